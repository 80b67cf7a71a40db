using Donations.Contracts.Attribution;
using Donations.Reporting.Summary;
using Marten;
using MassTransit;

namespace Donations.Reporting.Donations;

/// <summary>
/// Applies Attribution's ledger to the read models. Revisions may arrive in any order and more than once: each is
/// kept in the history, but only a revision newer than the one shown moves the totals, and then by the difference
/// between it and the one it replaces. Optimistic concurrency on the view and the totals turns a race into a retry.
/// </summary>
public sealed class LedgerConsumer(IDocumentSession session) : IConsumer<DonationAttributed>
{
    public async Task Consume(ConsumeContext<DonationAttributed> context)
    {
        var decided = context.Message;
        var ct = context.CancellationToken;
        session.Store(LedgerEntry.Of(decided));

        var view = await session.LoadAsync<DonationView>(decided.DonationId, ct);
        if (view is not null && view.Latest.Revision >= decided.Revision)
        {
            await session.SaveChangesAsync(ct);
            return;
        }

        var summaryId = CurrencySummary.DocumentId(decided.NgoId, decided.Currency);
        var summary = await session.LoadAsync<CurrencySummary>(summaryId, ct);
        if (summary is null) session.Insert(summary = new CurrencySummary { Id = summaryId, NgoId = decided.NgoId, Currency = decided.Currency });
        else session.Update(summary);

        var before = view?.Latest;
        if (before is null)
        {
            summary.GrossMinor += decided.AmountMinor;
            summary.Donations++;
        }
        summary.RefundedMinor += decided.RefundedMinor - (before?.RefundedMinor ?? 0);
        summary.AttributedMinor += decided.AttributedMinor() - (before?.AttributedMinor() ?? 0);

        if (view is null)
        {
            session.Insert(new DonationView
            {
                Id = decided.DonationId, NgoId = decided.NgoId, Provider = decided.Provider, ProviderTxId = decided.ProviderTxId,
                OccurredAt = decided.OccurredAt, Latest = decided,
            });
        }
        else
        {
            view.Latest = decided;
            session.Update(view);
        }
        await session.SaveChangesAsync(ct);
    }
}
