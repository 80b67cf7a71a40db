using Donations.Contracts.Attribution;
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
        await session.SaveChangesAsync(ct);
    }
}
