using Donations.Contracts.Ingestion;

namespace Donations.Reporting.Recurring;

public static class SubscriptionStates
{
    public const string Active = "active";
    public const string Cancelled = "cancelled";
    public const string Lapsed = "lapsed";
    public const string Failing = "failing";

    public static readonly string[] All = [Active, Failing, Lapsed, Cancelled];
}

/// <summary>
/// Where a subscription stands at a moment: its state, when it started (first charge), was last charged, and when it was
/// lost (the charge that did not come, or the cancellation if that came first), with the last failure's reason.
/// <see cref="MonthlyMinor"/> is its last charge as money per month (a weekly 100 ₽ is 434.82 ₽ a month).
/// </summary>
public sealed record SubscriptionStanding(
    string State, DateTimeOffset? StartedAt, DateTimeOffset? LastChargeAt, long LastAmountMinor, DateTimeOffset? EndedAt, string? LastFailure,
    IReadOnlyList<SubscriptionCharge> Charges, long MonthlyMinor);

/// <summary>The rules of a subscription's state, as a pure function of its charges and signals up to a moment.</summary>
public static class SubscriptionRules
{
    /// <summary>A charge this late after it is due counts as missed and the subscription as lapsed.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromDays(7);

    /// <summary>Days in the average month (365.25 / 12), for a daily or weekly schedule's money per month.</summary>
    private const decimal DaysPerMonth = 30.4375m;

    /// <summary>Provider states that end a subscription (CloudPayments Recurrent: Cancelled, Rejected, Expired; VK Donut: cancelled).</summary>
    private static readonly HashSet<string> Ending = new(StringComparer.OrdinalIgnoreCase) { "cancelled", "canceled", "rejected", "expired" };

    /// <summary>When the charge after <paramref name="lastCharge"/> is due on the subscription's schedule (monthly when it has none).</summary>
    public static DateTimeOffset NextDue(SubscriptionView view, DateTimeOffset lastCharge) => view.Interval switch
    {
        RecurrenceIntervals.Day => lastCharge.AddDays(view.Period ?? 1),
        RecurrenceIntervals.Week => lastCharge.AddDays(7 * (view.Period ?? 1)),
        _ => lastCharge.AddMonths(view.Period ?? 1),
    };

    /// <summary>A charge of <paramref name="amountMinor"/> on the subscription's schedule as money per month, to the minor unit.</summary>
    public static long Monthly(SubscriptionView view, long amountMinor) => (long)Math.Round(view.Interval switch
    {
        RecurrenceIntervals.Day => amountMinor * DaysPerMonth / (view.Period ?? 1),
        RecurrenceIntervals.Week => amountMinor * DaysPerMonth / (7 * (view.Period ?? 1)),
        _ => (decimal)amountMinor / (view.Period ?? 1),
    }, MidpointRounding.AwayFromZero);

    public static SubscriptionStanding Of(SubscriptionView view, DateTimeOffset now)
    {
        var charges = view.Charges.Where(c => c.OccurredAt <= now).OrderBy(c => c.OccurredAt).ToList();
        var last = charges.LastOrDefault();
        // Only what was said after the last charge still describes the subscription: a charge after a cancellation is a renewal.
        var since = view.Signals.Where(s => s.At <= now && (last is null || s.At > last.OccurredAt)).OrderBy(s => s.At).ToList();
        var status = since.LastOrDefault(s => s.Kind == SignalKinds.Status);
        var failure = view.Signals.Where(s => s.At <= now && s.Kind == SignalKinds.Failed).MaxBy(s => s.At)?.Reason;
        DateTimeOffset? due = last is null ? null : NextDue(view, last.OccurredAt);

        string state;
        DateTimeOffset? ended = null;
        // VK's "expired" is a Donut that was not paid for: lapsed, not a donor's decision.
        if (status is not null && Ending.Contains(status.Status) && !(view.Provider == "vk" && status.Status == "expired"))
        {
            state = SubscriptionStates.Cancelled;
            ended = due is { } d && d < status.At ? d : status.At;
        }
        else if (due is { } d && now > d + Grace)
        {
            state = SubscriptionStates.Lapsed;
            ended = d;
        }
        else if (since.LastOrDefault() is { } latest && (latest.Kind == SignalKinds.Failed || latest.Status.Equals("PastDue", StringComparison.OrdinalIgnoreCase)))
        {
            state = SubscriptionStates.Failing;
        }
        else if (status is not null && view.Provider == "vk" && status.Status == "expired")
        {
            state = SubscriptionStates.Lapsed;
            ended = due is { } dd && dd < status.At ? dd : status.At;
        }
        else state = last is null ? SubscriptionStates.Failing : SubscriptionStates.Active;

        return new SubscriptionStanding(state, charges.FirstOrDefault()?.OccurredAt, last?.OccurredAt, last?.AmountMinor ?? 0, ended, failure, charges,
            Monthly(view, last?.AmountMinor ?? 0));
    }
}
