using Donations.Reporting.Catalog;

namespace Donations.Reporting.Recurring;

public sealed record SubscriptionLine(
    string Provider, string SubscriptionId, string? DonorId, string? Currency, string State, DateTimeOffset? StartedAt, DateTimeOffset? LastChargeAt,
    DateTimeOffset? EndedAt, int Charges, long LastAmountMinor, long GivenNetMinor, string? LastFailure, IReadOnlyList<string> PostIds, IReadOnlyList<string> CampaignIds);

/// <summary>Per currency: how many subscriptions stand in each state, the monthly recurring money of the active ones and what the failing ones put at risk.</summary>
public sealed record RecurringCurrency(
    string Currency, int Subscriptions, int Active, int Failing, int Lapsed, int Cancelled, long MonthlyRecurringMinor, long AtRiskMinor,
    long LifetimeNetMinor, long AverageLifetimeValueMinor, double AverageLifetimeMonths);

/// <summary>
/// One month of one currency's subscriptions: those at the month's start, those that began and were lost in it, churn (lost ÷
/// at the start), and the money the month's charges brought.
/// </summary>
public sealed record RecurringMonth(string Month, string Currency, int AtStart, int New, int Lost, double? Churn, int Charges, long ChargedMinor, long NetMinor);

/// <summary>Subscriptions whose first charge fell in <see cref="Month"/>, and how many of them were charged in each month since (index 0: that month).</summary>
public sealed record RecurringCohort(string Month, string Currency, int Size, IReadOnlyList<int> Retained);

/// <summary>The recurring donors a post or campaign brought (credited with their charges) and all the money they gave through it since.</summary>
public sealed record RecurringSource(string Key, string Currency, int Subscriptions, int Active, long GivenNetMinor);

public sealed record RecurringReport(
    DateTimeOffset AsOf, int GraceDays, IReadOnlyList<RecurringCurrency> Currencies, IReadOnlyList<RecurringMonth> Months, IReadOnlyList<RecurringCohort> Cohorts,
    IReadOnlyList<RecurringSource> Posts, IReadOnlyList<RecurringSource> Campaigns, IReadOnlyList<SubscriptionLine> Subscriptions);

/// <summary>The recurring donors report, computed from the subscriptions' aggregates at a moment, months in the NGO's time zone.</summary>
public static class RecurringReports
{
    public static RecurringReport Build(
        IReadOnlyList<SubscriptionView> views, IReadOnlyDictionary<string, FundraiserView> fundraisers, DateTimeOffset now, TimeZoneInfo zone, DateOnly? from, DateOnly? to)
    {
        var subs = views.Select(v => (View: v, Standing: SubscriptionRules.Of(v, now)))
            .Where(s => s.View.Currency is not null && (s.Standing.StartedAt is not null || s.Standing.LastFailure is not null))
            .ToList();
        string? Campaign(ChargeCredit c) => c.CampaignId ?? (c.FundraiserId is { } f && fundraisers.TryGetValue(f, out var fr) ? fr.CampaignId : null);

        var lines = subs.Select(s => new SubscriptionLine(s.View.Provider, s.View.SubscriptionId, s.View.DonorId, s.View.Currency, s.Standing.State,
                s.Standing.StartedAt, s.Standing.LastChargeAt, s.Standing.EndedAt, s.Standing.Charges.Count, s.Standing.LastAmountMinor,
                s.Standing.Charges.Sum(c => c.NetMinor), s.Standing.LastFailure,
                s.Standing.Charges.SelectMany(c => c.Credits).Select(c => c.PostId).OfType<string>().Distinct().Order().ToList(),
                s.Standing.Charges.SelectMany(c => c.Credits).Select(Campaign).OfType<string>().Distinct().Order().ToList()))
            .OrderBy(l => l.StartedAt).ThenBy(l => l.SubscriptionId).ToList();

        var currencies = subs.GroupBy(s => s.View.Currency!).OrderBy(g => g.Key).Select(g =>
        {
            int Count(string state) => g.Count(s => s.Standing.State == state);
            var lifetime = g.Sum(s => s.Standing.Charges.Sum(c => c.NetMinor));
            var months = g.Where(s => s.Standing.StartedAt is not null)
                .Select(s => ((s.Standing.EndedAt ?? now) - s.Standing.StartedAt!.Value).TotalDays / 30.44).DefaultIfEmpty(0).Average();
            return new RecurringCurrency(g.Key, g.Count(), Count(SubscriptionStates.Active), Count(SubscriptionStates.Failing), Count(SubscriptionStates.Lapsed),
                Count(SubscriptionStates.Cancelled), g.Where(s => s.Standing.State == SubscriptionStates.Active).Sum(s => s.Standing.MonthlyMinor),
                g.Where(s => s.Standing.State == SubscriptionStates.Failing).Sum(s => s.Standing.MonthlyMinor), lifetime,
                (long)Math.Round((decimal)lifetime / g.Count(), MidpointRounding.AwayFromZero), Math.Round(months, 1));
        }).ToList();

        string MonthOf(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM");
        DateTimeOffset StartOf(string month)
        {
            var local = DateTime.ParseExact(month + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            return new DateTimeOffset(local, zone.GetUtcOffset(local));
        }
        var started = subs.Where(s => s.Standing.StartedAt is not null).ToList();
        var allMonths = started.Count == 0 ? [] : MonthsBetween(MonthOf(started.Min(s => s.Standing.StartedAt!.Value)), MonthOf(now));
        bool InPeriod(string month) =>
            (from is null || string.CompareOrdinal(month, from.Value.ToString("yyyy-MM")) >= 0) && (to is null || string.CompareOrdinal(month, to.Value.ToString("yyyy-MM")) <= 0);

        var monthLines = new List<RecurringMonth>();
        var cohorts = new List<RecurringCohort>();
        foreach (var currency in started.GroupBy(s => s.View.Currency!).OrderBy(g => g.Key))
        {
            foreach (var month in allMonths.Where(InPeriod))
            {
                var start = StartOf(month);
                var atStart = currency.Count(s => s.Standing.StartedAt < start && (s.Standing.EndedAt is null || s.Standing.EndedAt >= start));
                var lost = currency.Count(s => s.Standing.EndedAt is { } e && MonthOf(e) == month);
                var charges = currency.SelectMany(s => s.Standing.Charges).Where(c => MonthOf(c.OccurredAt) == month).ToList();
                monthLines.Add(new RecurringMonth(month, currency.Key, atStart, currency.Count(s => MonthOf(s.Standing.StartedAt!.Value) == month), lost,
                    atStart > 0 ? Math.Round((double)lost / atStart, 4) : null, charges.Count, charges.Sum(c => c.AmountMinor), charges.Sum(c => c.NetMinor)));
            }
            foreach (var cohort in currency.GroupBy(s => MonthOf(s.Standing.StartedAt!.Value)).OrderBy(g => g.Key).Where(g => InPeriod(g.Key)))
            {
                var since = MonthsBetween(cohort.Key, MonthOf(now));
                cohorts.Add(new RecurringCohort(cohort.Key, currency.Key, cohort.Count(),
                    since.Select(m => cohort.Count(s => s.Standing.Charges.Any(c => MonthOf(c.OccurredAt) == m))).ToList()));
            }
        }

        IReadOnlyList<RecurringSource> By(Func<ChargeCredit, string?> key) =>
            subs.SelectMany(s => s.Standing.Charges.SelectMany(c => c.Credits).Where(c => key(c) is not null)
                    .GroupBy(c => key(c)!).Select(g => (Key: g.Key, s.View.Currency, s.Standing.State, Money: g.Sum(c => c.AmountMinor))))
                .GroupBy(x => (x.Key, x.Currency))
                .Select(g => new RecurringSource(g.Key.Key, g.Key.Currency!, g.Count(), g.Count(x => x.State == SubscriptionStates.Active), g.Sum(x => x.Money)))
                .OrderByDescending(s => s.GivenNetMinor).ThenBy(s => s.Key).ToList();

        return new RecurringReport(now, (int)SubscriptionRules.Grace.TotalDays, currencies, monthLines, cohorts, By(c => c.PostId), By(Campaign), lines);
    }

    private static List<string> MonthsBetween(string first, string last)
    {
        var months = new List<string>();
        for (var m = DateOnly.ParseExact(first + "-01", "yyyy-MM-dd"); string.CompareOrdinal(m.ToString("yyyy-MM"), last) <= 0; m = m.AddMonths(1))
            months.Add(m.ToString("yyyy-MM"));
        return months;
    }
}
