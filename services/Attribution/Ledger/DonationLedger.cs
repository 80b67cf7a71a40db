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

    /// <summary>Refunded so far: the refunds that pass the checks Ingestion makes of a refund after its payment.</summary>
    public long RefundedMinor => Checked().Counted;

    /// <summary>Refunds that came before their payment and fail those checks: surfaced on the decision, not counted.</summary>
    public IReadOnlyList<RefusedRefund> RefusedRefunds => Checked().Refused;

    /// <summary>In arrival order, as Ingestion would have judged each: same currency as the payment, no more than what remains.</summary>
    private (long Counted, IReadOnlyList<RefusedRefund> Refused) Checked()
    {
        if (Donation is not { } payment) return (Refunds.Sum(r => r.AmountMinor), []);
        long counted = 0;
        var refused = new List<RefusedRefund>();
        foreach (var r in Refunds)
        {
            if (r.Currency != payment.Currency)
                refused.Add(new RefusedRefund(r.RefundTxId, r.AmountMinor, r.Currency, $"The refund is in {r.Currency} but the payment '{payment.ProviderTxId}' was in {payment.Currency}."));
            else if (r.AmountMinor > payment.AmountMinor - counted)
                refused.Add(new RefusedRefund(r.RefundTxId, r.AmountMinor, r.Currency, $"The refund of {r.AmountMinor} is more than the {payment.AmountMinor - counted} that remains of payment '{payment.ProviderTxId}'."));
            else counted += r.AmountMinor;
        }
        return (counted, refused);
    }

    public bool HasRefund(string refundTxId) => Refunds.Any(r => r.RefundTxId == refundTxId);

    public int NextRevision => (Current?.Revision ?? 0) + 1;
}
