using Donations.Contracts.Attribution;
using Donations.Reporting.OutgoingWebhooks;
using Donations.ServiceDefaults.Telemetry;
using Marten;
using MassTransit;

namespace Donations.Reporting.Donations;

/// <summary>
/// Applies Attribution's ledger to the read models. Revisions may arrive in any order and more than once: each is
/// kept in the history (for asOf), and the donation's view moves only to a newer revision. Optimistic concurrency on
/// the view turns two revisions of one donation handled at once into a retry.
/// </summary>
public sealed class LedgerConsumer(IDocumentSession session) : IConsumer<DonationAttributed>
{
    public async Task Consume(ConsumeContext<DonationAttributed> context)
    {
        var decided = context.Message;
        var ct = context.CancellationToken;
        session.Store(LedgerEntry.Of(decided));

        var view = await session.LoadAsync<DonationView>(decided.DonationId, ct);
        if (view is null) session.Insert(DonationView.Of(decided));
        else if (view.Latest.Revision < decided.Revision) session.Update(view.Show(decided));
        FundraiserWatch.MarkCredited(session, decided, DateTimeOffset.UtcNow);
        await session.SaveChangesAsync(ct);

        if (view is null)
        {
            DonationsTelemetry.Decisions.Add(1, new KeyValuePair<string, object?>("status", decided.Status));
            if (decided.ReceivedAt is { } received)
                DonationsTelemetry.AttributionLag.Record((DateTimeOffset.UtcNow - received).TotalMilliseconds, new KeyValuePair<string, object?>("provider", decided.Provider));
        }
    }
}
