using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;
using JasperFx.Events;

namespace Donations.Attribution.Ledger;

/// <summary>
/// One donation's stream in Attribution's store: the donation as received, its refunds (a refund may come
/// first), and every decision about it. Folded from the events by hand, so no projection convention can skip one.
/// </summary>
public sealed record DonationLedger(Guid Id, DonationReceived? Donation, IReadOnlyList<DonationRefunded> Refunds, DonationAttributed? Current, long Version)
{
    public static DonationLedger Empty(Guid id) => new(id, null, [], null, 0);

    public static DonationLedger From(Guid id, IReadOnlyList<IEvent> events) =>
        events.Aggregate(Empty(id), (ledger, e) => ledger.Apply(e.Data) with { Version = e.Version });

    public DonationLedger Apply(object @event) => @event switch
    {
        DonationReceived received => this with { Donation = received },
        DonationRefunded refunded => this with { Refunds = [.. Refunds, refunded] },
        DonationAttributed decided => this with { Current = decided },
        _ => this,
    };

    /// <summary>Refunded so far, never more than the donation (a provider's over-refund is not ours to count).</summary>
    public long RefundedMinor => Math.Min(Refunds.Sum(r => r.AmountMinor), Donation?.AmountMinor ?? long.MaxValue);

    public bool HasRefund(string refundTxId) => Refunds.Any(r => r.RefundTxId == refundTxId);

    public int NextRevision => (Current?.Revision ?? 0) + 1;
}
