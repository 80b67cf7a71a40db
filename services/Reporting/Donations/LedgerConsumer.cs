using Donations.Contracts.Attribution;
using Donations.Reporting.Facts;
using Donations.Reporting.OutgoingWebhooks;
using Donations.ServiceDefaults.Telemetry;
using Marten;
using MassTransit;

namespace Donations.Reporting.Donations;

/// <summary>
/// Applies Attribution's ledger to the read models. Revisions may arrive in any order and more than once: each is
/// kept in the history (for asOf), and the donation's view moves only to a newer revision. Optimistic concurrency on
/// the view turns two revisions of one donation handled at once into a retry. The facts reports read are written in
/// the same session (<see cref="DonationFacts"/>).
/// </summary>
public sealed class LedgerConsumer(IDocumentSession session) : IConsumer<DonationAttributed>
{
    public async Task Consume(ConsumeContext<DonationAttributed> context)
    {
        var decided = context.Message;
        var ct = context.CancellationToken;
        // The view first, then the history: a revision committed in between changes the view's version, so this one is retried.
        var view = await session.LoadAsync<DonationView>(decided.DonationId, ct);
        var known = (await session.Query<LedgerEntry>().Where(e => e.DonationId == decided.DonationId).ToListAsync(ct)).Select(e => e.Decision).ToList();
        if (!DonationFacts.Record(session, decided, known)) return; // a redelivery: its facts and view were written with it
        session.Store(LedgerEntry.Of(decided));

        if (view is null) session.Insert(DonationView.Of(decided));
        // An older revision still touches the view, so two revisions of one donation written at once collide and one is retried.
        else session.Update(view.Latest.Revision < decided.Revision ? view.Show(decided) : view);
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
