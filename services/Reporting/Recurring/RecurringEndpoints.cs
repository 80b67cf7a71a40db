using Donations.Reporting.Catalog;
using Donations.Reporting.Reports;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Marten;

namespace Donations.Reporting.Recurring;

/// <summary>
/// Recurring donors: <c>/reports/recurring</c> answers the whole report; <c>/reports/recurring/{table}</c> one of its tables
/// (currencies, subscriptions, months, cohorts, posts, campaigns), also as CSV or XLSX. <c>asOf</c> is the moment the states
/// are read at (now by default); <c>from</c>/<c>to</c> limit the months and cohorts shown.
/// </summary>
public static class RecurringEndpoints
{
    public static readonly string[] Tables = ["currencies", "subscriptions", "months", "cohorts", "posts", "campaigns"];

    public static void MapRecurring(this IEndpointRouteBuilder app)
    {
        var recurring = app.MapGroup("/api/ngos/{ngo}/reports/recurring").RequireNgoKey(NgoRoles.Viewer).WithTags("Reports");
        recurring.MapGet("/", Whole);
        recurring.MapGet("/{table}", Table);
    }

    private static async Task<IResult> Whole([AsParameters] ReportParameters p, string? state, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var (report, problem) = await BuildAsync(p, state, session, clock, ct);
        if (problem is not null) return problem;
        return ReportQuery.IsFile(p.Format)
            ? Problems.BadRequest($"The recurring report has several tables; download one of them: /reports/recurring/{{{string.Join("|", Tables)}}}?format={p.Format}.")
            : TypedResults.Ok(report);
    }

    private static async Task<IResult> Table(string table, [AsParameters] ReportParameters p, string? state, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (!Tables.Contains(table)) return Problems.NotFound($"The recurring report has no table '{table}'; use {string.Join(", ", Tables)}.");
        var (report, problem) = await BuildAsync(p, state, session, clock, ct);
        if (problem is not null) return problem;
        var r = report!;
        var file = ReportQuery.IsFile(p.Format);
        string M(long minor, string? currency) => currency is null ? "" : Csv.Major(minor, currency);
        string T(DateTimeOffset? at) => at?.ToString("O") ?? "";
        return (table, file) switch
        {
            ("currencies", false) => TypedResults.Ok(r.Currencies),
            ("currencies", true) => Csv.File("recurring-currencies",
                ["currency", "subscriptions", "active", "failing", "lapsed", "cancelled", "monthly_recurring", "at_risk", "lifetime_net", "average_lifetime_value", "average_lifetime_months"],
                r.Currencies.Select(c => new[] { c.Currency, $"{c.Subscriptions}", $"{c.Active}", $"{c.Failing}", $"{c.Lapsed}", $"{c.Cancelled}", M(c.MonthlyRecurringMinor, c.Currency),
                    M(c.AtRiskMinor, c.Currency), M(c.LifetimeNetMinor, c.Currency), M(c.AverageLifetimeValueMinor, c.Currency), Csv.Number(c.AverageLifetimeMonths) })),
            ("subscriptions", false) => TypedResults.Ok(r.Subscriptions),
            ("subscriptions", true) => Csv.File("recurring-subscriptions",
                ["provider", "subscription_id", "donor_id", "currency", "state", "started_at", "last_charge_at", "ended_at", "charges", "last_amount", "given_net", "last_failure", "posts", "campaigns"],
                r.Subscriptions.Select(s => new[] { s.Provider, s.SubscriptionId, s.DonorId, s.Currency, s.State, T(s.StartedAt), T(s.LastChargeAt), T(s.EndedAt), $"{s.Charges}",
                    M(s.LastAmountMinor, s.Currency), M(s.GivenNetMinor, s.Currency), s.LastFailure, string.Join(' ', s.PostIds), string.Join(' ', s.CampaignIds) })),
            ("months", false) => TypedResults.Ok(r.Months),
            ("months", true) => Csv.File("recurring-months", ["month", "currency", "at_start", "new", "lost", "churn", "charges", "charged", "net"],
                r.Months.Select(m => new[] { m.Month, m.Currency, $"{m.AtStart}", $"{m.New}", $"{m.Lost}", Csv.Number(m.Churn), $"{m.Charges}", M(m.ChargedMinor, m.Currency), M(m.NetMinor, m.Currency) })),
            ("cohorts", false) => TypedResults.Ok(r.Cohorts),
            ("cohorts", true) => Csv.File("recurring-cohorts", ["cohort", "currency", "size", "months_after", "retained", "retained_share"],
                r.Cohorts.SelectMany(c => c.Retained.Select((n, k) => new[] { c.Month, c.Currency, $"{c.Size}", $"{k}", $"{n}", Csv.Number(Math.Round((double)n / c.Size, 4)) }))),
            (_, false) => TypedResults.Ok(table == "posts" ? r.Posts : r.Campaigns),
            (_, true) => Csv.File($"recurring-{table}", [table == "posts" ? "post_id" : "campaign_id", "currency", "subscriptions", "active", "given_net"],
                (table == "posts" ? r.Posts : r.Campaigns).Select(s => new[] { s.Key, s.Currency, $"{s.Subscriptions}", $"{s.Active}", M(s.GivenNetMinor, s.Currency) })),
        };
    }

    private static async Task<(RecurringReport? Report, IResult? Problem)> BuildAsync(
        ReportParameters p, string? state, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var (query, problem) = await p.QueryAsync(session, ct);
        if (problem is not null) return (null, problem);
        if (state is not null && !SubscriptionStates.All.Contains(state))
            return (null, Problems.BadRequest($"'state' is one of {string.Join(", ", SubscriptionStates.All)}."));
        var views = await session.Query<SubscriptionView>().Where(s => s.NgoId == p.Ngo).ToListAsync(ct);
        var fundraisers = (await session.Query<FundraiserView>().Where(f => f.NgoId == p.Ngo).ToListAsync(ct)).ToDictionary(f => f.FundraiserId);
        var report = RecurringReports.Build(views, fundraisers, query!.AsOf ?? clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(query.TimeZone), query.From, query.To);
        return (state is null ? report : report with { Subscriptions = report.Subscriptions.Where(s => s.State == state).ToList() }, null);
    }
}
