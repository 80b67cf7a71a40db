using Donations.Contracts.Attribution;
using Marten.Schema;

namespace Donations.Reporting.Recurring;

/// <summary>A charge of a subscription as its newest revision tells it, with what it credited to which post and campaign.</summary>
public sealed record SubscriptionCharge(
    Guid DonationId, int Revision, DateTimeOffset OccurredAt, long AmountMinor, long RefundedMinor, IReadOnlyList<ChargeCredit> Credits)
{
    public long NetMinor => AmountMinor - RefundedMinor;
}

public sealed record ChargeCredit(string? PostId, string? CampaignId, string? FundraiserId, long AmountMinor);

/// <summary>What a provider said of the subscription's state (Recurrent, Donut), or a charge that failed.</summary>
public sealed record SubscriptionSignal(string Key, string Kind, string Status, DateTimeOffset At, string? Reason = null);

/// <summary>
/// One recurring donation (CloudPayments <c>SubscriptionId</c>, a VK Donut subscription, a generic <c>subscriptionId</c>), kept as
/// its charges and signals arrive: the aggregate the recurring report reads instead of scanning donations. Every write is keyed
/// (a charge by donation and revision, a signal by its message), so a redelivery changes nothing.
/// </summary>
public sealed class SubscriptionView
{
    public string Id { get; set; } = "";
    public string NgoId { get; set; } = "";
    public string Provider { get; set; } = "";
    public string SubscriptionId { get; set; } = "";
    public string? Currency { get; set; }
    public string? DonorId { get; set; }
    public List<SubscriptionCharge> Charges { get; set; } = [];
    public List<SubscriptionSignal> Signals { get; set; } = [];
    /// <summary>The schedule its provider last said (every <see cref="Period"/> <see cref="Interval"/>s), as of <see cref="ScheduleAt"/>; none: monthly.</summary>
    public string? Interval { get; set; }
    public int? Period { get; set; }
    public DateTimeOffset? ScheduleAt { get; set; }
    [Version] public Guid Version { get; set; }

    public static string DocumentId(string ngo, string provider, string subscriptionId) => $"{ngo}/{provider}/{subscriptionId}";

    /// <summary>Takes a revision of one of its charges; an older revision than the one held changes nothing.</summary>
    public bool Apply(DonationAttributed d)
    {
        var known = Charges.FindIndex(c => c.DonationId == d.DonationId);
        if (known >= 0 && Charges[known].Revision >= d.Revision) return false;
        var charge = new SubscriptionCharge(d.DonationId, d.Revision, d.OccurredAt, d.AmountMinor, d.RefundedMinor,
            d.Credits.Select(c => new ChargeCredit(c.PostId, c.CampaignId, c.FundraiserId, c.AmountMinor)).ToList());
        if (known >= 0) Charges[known] = charge;
        else Charges.Add(charge);
        Charges.Sort((a, b) => a.OccurredAt.CompareTo(b.OccurredAt));
        Currency ??= d.Currency;
        DonorId ??= d.DonorId;
        return true;
    }

    /// <summary>Takes a schedule the provider said at <paramref name="at"/>, unless a newer one is held.</summary>
    public bool Schedule(string? interval, int? period, DateTimeOffset at)
    {
        if (interval is null || (ScheduleAt is { } held && held > at) || (Interval == interval && Period == period)) return false;
        (Interval, Period, ScheduleAt) = (interval, period ?? 1, at);
        return true;
    }

    public bool Apply(SubscriptionSignal signal)
    {
        if (Signals.Any(s => s.Key == signal.Key)) return false;
        Signals.Add(signal);
        return true;
    }
}
