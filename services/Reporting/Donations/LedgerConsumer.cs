using Donations.Contracts.Attribution;
using Donations.Reporting.Summary;
using Marten;
using MassTransit;

namespace Donations.Reporting.Donations;

/// <summary>
/// Applies Attribution's ledger to the read models. Revisions may arrive in any order and more than once: a
/// revision not newer than the one already applied changes nothing, and totals move by the difference between
/// the new decision and the one it replaces. Optimistic concurrency on both documents turns a race into a retry.
/// </summary>
public sealed class LedgerConsumer(IDocumentSession session) : IConsumer<DonationAttributed>
{
    public async Task Consume(ConsumeContext<DonationAttributed> context)
    {
        var decided = context.Message;
        var ct = context.CancellationToken;
        var view = await session.LoadAsync<DonationView>(decided.DonationId, ct);
        if (view is not null && view.Attribution.Revision >= decided.Revision) return;

        var summaryId = CurrencySummary.DocumentId(decided.NgoId, decided.Currency);
        var summary = await session.LoadAsync<CurrencySummary>(summaryId, ct);
        var isNewSummary = summary is null;
        summary ??= new CurrencySummary { Id = summaryId, NgoId = decided.NgoId, Currency = decided.Currency };

        var attributedBefore = view?.AttributedMinor ?? 0;
        var isNewView = view is null;
        view ??= new DonationView
        {
            Id = decided.DonationId, NgoId = decided.NgoId, Provider = decided.Provider, ProviderTxId = decided.ProviderTxId,
            AmountMinor = decided.AmountMinor, Currency = decided.Currency, OccurredAt = decided.OccurredAt,
        };
        view.Attribution = new AttributionView(decided.Status, decided.Rule, decided.Reason, decided.Model, decided.LookbackDays,
            decided.Revision, decided.DecidedAt, decided.Credits);

        if (isNewView)
        {
            summary.GrossMinor += decided.AmountMinor;
            summary.Donations++;
        }
        summary.AttributedMinor += view.AttributedMinor - attributedBefore;

        if (isNewView) session.Insert(view); else session.Update(view);
        if (isNewSummary) session.Insert(summary); else session.Update(summary);
        await session.SaveChangesAsync(ct);
    }
}
