using Donations.Reporting.Catalog;
using Donations.Reporting.Facts;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Marten;
using Microsoft.AspNetCore.Mvc;

namespace Donations.Reporting.Reports;

public sealed record ReportParameters(
    [FromRoute(Name = "ngo")] string Ngo,
    [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To,
    [FromQuery(Name = "asOf")] string? AsOf,
    [FromQuery(Name = "format")] string? Format,
    [FromQuery(Name = "timeZone")] string? TimeZone)
{
    public Task<(ReportQuery? Query, IResult? Problem)> QueryAsync(IQuerySession session, CancellationToken ct) =>
        ReportQuery.OfAsync(session, Ngo, From, To, AsOf, Format, TimeZone, ct);
}

/// <summary>What finance teams read. Every report takes from/to, asOf and format=csv (see <see cref="ReportQuery"/>).</summary>
public static class ReportEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/ngos/{ngo}/reports").RequireNgoKey(NgoRoles.Viewer).WithTags("Reports");
        reports.MapGet("/summary", Summary);
        reports.MapGet("/posts", Posts);
        reports.MapGet("/campaigns", Campaigns);
        reports.MapGet("/fundraisers", Fundraisers);
        reports.MapGet("/fundraisers/{id}", Fundraiser);
        reports.MapGet("/daily", Daily);
        reports.MapGet("/payouts", Payouts);
        reports.MapGet("/verification", Verification);
    }

    private static async Task<IResult> Run(ReportParameters p, IQuerySession session, CancellationToken ct, Func<ReportSql, Task<IResult>> report)
    {
        var (query, problem) = await p.QueryAsync(session, ct);
        return problem ?? await report(new ReportSql(session, query!));
    }

    private static Task<IResult> Summary([AsParameters] ReportParameters p, IQuerySession session, CancellationToken ct) => Run(p, session, ct, async sql =>
    {
        var currencies = await sql.RowsAsync<CurrencyRow>($"""
            select jsonb_build_object('currency', currency, 'grossMinor', sum(gross), 'refundedMinor', sum(refunded), 'feeMinor', sum(fee),
                                      'attributedMinor', sum(attributed), 'donations', sum(donations))
            from {sql.Rows([FactDims.Donation])} x group by currency having sum(donations) > 0 order by currency
            """, ct);
        var reasons = await sql.RowsAsync<ReasonRow>($"""
            select jsonb_build_object('currency', currency, 'reason', reason, 'netMinor', sum(gross - refunded), 'donations', sum(donations))
            from {sql.Rows([FactDims.Donation])} x where status = 'unattributed' group by currency, reason having sum(donations) > 0 order by currency, reason
            """, ct);
        var report = new SummaryReport(currencies.Select(CurrencyTotals.Of).ToList(), reasons);
        return sql.Query.Csv
            ? Csv.File("summary", ["currency", "gross", "refunded", "net", "attributed", "unattributed", "fee", "net_of_fee", "donations"],
                report.Currencies.Select(c => Row(c.Currency, c.GrossMinor, c.RefundedMinor, c.NetMinor, c.AttributedMinor, c.UnattributedMinor, c.FeeMinor, c.NetOfFeeMinor)
                    .Append(c.Donations.ToString()).ToList()))
            : TypedResults.Ok(report);
    });

    private static Task<IResult> Posts([AsParameters] ReportParameters p, IQuerySession session, CancellationToken ct) => Run(p, session, ct, async sql =>
    {
        var lines = await PostLinesAsync(sql, session, ct);
        return sql.Query.Csv
            ? Csv.File("posts", ["post_id", "campaign_id", "fundraiser_id", "clicks", "bot_clicks", "people", "donors", "donations", "conversion", "paid_clicks",
                    "organic_clicks", .. MoneyHeaders],
                lines.SelectMany(l => MoneyRows(l.Money, [l.PostId, l.CampaignId, l.FundraiserId, l.Clicks.ToString(), l.BotClicks.ToString(), l.People.ToString(),
                    l.Donors.ToString(), l.Donations.ToString(), Csv.Number(l.Conversion), l.PaidClicks.ToString(), l.OrganicClicks.ToString()])))
            : TypedResults.Ok(lines);
    });

    /// <summary>The posts report's lines (also the post funnel's source).</summary>
    internal static async Task<List<PostLine>> PostLinesAsync(ReportSql sql, IQuerySession session, CancellationToken ct)
    {
        var p = sql.Query;
        // The statements at once (at 1M donations, 60 ms one after another): the fact statements each on a session of their own.
        var creditRows = CreditsByAsync(sql, FactDims.Post, ct);
        var clickRows = ClicksByAsync(sql, ct);
        var spendRows = SpendByAsync(sql, "postId", ct);
        // Donors across currencies: a person who gave in two currencies is one person.
        var donorRows = sql.RowsAsync<CreditRow>($"""
            select jsonb_build_object('key', key, 'currency', '', 'attributedMinor', 0, 'donations', 0, 'donors', donors) from {sql.Donors(FactDims.Post)} d
            """, ct);
        var posts = await session.Query<PostView>().Where(x => x.NgoId == p.Ngo).OrderBy(x => x.PublishedAt).ToListAsync(ct);
        var vk = (await session.Query<PostStatsView>().Where(x => x.NgoId == p.Ngo).ToListAsync(ct)).ToDictionary(x => x.PostId);
        var credits = (await creditRows).ToLookup(c => c.Key);
        var clicks = (await clickRows).ToDictionary(c => c.Key);
        var spend = (await spendRows).ToLookup(s => s.Key);
        var donorsByPost = (await donorRows).ToDictionary(r => r.Key, r => r.Donors);
        var lines = posts.Select(post =>
        {
            var click = clicks.GetValueOrDefault(post.PostId);
            var donations = credits[post.PostId].Sum(c => c.Donations);
            var donors = donorsByPost.GetValueOrDefault(post.PostId);
            return new PostLine(post.PostId, post.CampaignId, post.FundraiserId, post.PublishedAt, click?.Clicks ?? 0, click?.BotClicks ?? 0, donations,
                click is { People: > 0 } ? Math.Round((double)donors / click.People, 4) : null, MoneyLine.Join(post.PostId, credits, spend), click?.People ?? 0, donors,
                click?.PaidClicks ?? 0, (click?.Clicks ?? 0) - (click?.PaidClicks ?? 0),
                vk.GetValueOrDefault(post.PostId) is { } stats ? new PostVkStats(stats.Text, stats.Views, stats.Likes, stats.Reposts, stats.Reach, stats.RefreshedAt) : null);
        }).ToList();
        return lines;
    }

    private static Task<IResult> Campaigns([AsParameters] ReportParameters p, IQuerySession session, CancellationToken ct) => Run(p, session, ct, async sql =>
    {
        var campaigns = await session.Query<CampaignView>().Where(x => x.NgoId == p.Ngo).OrderBy(x => x.StartsAt).ToListAsync(ct);
        var credits = (await CreditsByAsync(sql, FactDims.Campaign, ct)).ToLookup(c => c.Key);
        var spend = (await SpendByAsync(sql, "campaignId", ct)).ToLookup(s => s.Key);
        var lines = campaigns.Select(c => new CampaignLine(c.CampaignId, c.Name, c.StartsAt, c.EndsAt, MoneyLine.Join(c.CampaignId, credits, spend))).ToList();
        return sql.Query.Csv
            ? Csv.File("campaigns", ["campaign_id", "name", .. MoneyHeaders], lines.SelectMany(l => MoneyRows(l.Money, [l.CampaignId, l.Name])))
            : TypedResults.Ok(lines);
    });

    private static Task<IResult> Fundraisers([AsParameters] ReportParameters p, IQuerySession session, TimeProvider clock, CancellationToken ct) => Run(p, session, ct, async sql =>
    {
        var lines = await FundraiserLinesAsync(sql, session, clock, ct);
        return sql.Query.Csv ? FundraisersCsv(lines) : TypedResults.Ok(lines);
    });

    private static async Task<IResult> Fundraiser(string id, [AsParameters] ReportParameters p, IQuerySession session, TimeProvider clock, CancellationToken ct) =>
        await Run(p, session, ct, async sql =>
        {
            var line = (await FundraiserLinesAsync(sql, session, clock, ct, only: id)).FirstOrDefault();
            return line is null ? Problems.NotFound($"NGO '{p.Ngo}' has no fundraiser '{id}'.") : sql.Query.Csv ? FundraisersCsv([line]) : TypedResults.Ok(line);
        });

    /// <summary>
    /// Goal against money raised net of refunds, counting donations made by the deadline — even those reported after
    /// it — and every refund, whenever it came.
    /// </summary>
    internal static async Task<IReadOnlyList<FundraiserLine>> FundraiserLinesAsync(ReportSql sql, IQuerySession session, TimeProvider clock, CancellationToken ct, string? only = null)
    {
        var fundraisers = await session.Query<FundraiserView>().Where(x => x.NgoId == sql.Query.Ngo).OrderBy(x => x.Deadline).ToListAsync(ct);
        if (only is not null) fundraisers = fundraisers.Where(f => f.FundraiserId == only).ToList();
        var raised = fundraisers.Count == 0 ? new Dictionary<string, CreditRow>() : (await sql.RowsAsync<CreditRow>($"""
            select jsonb_build_object('key', key, 'currency', currency, 'attributedMinor', attributed, 'donations', donations, 'donors', donors)
            from ({sql.Raised(fundraisers.Select(f => (f.FundraiserId, f.Currency, f.Deadline)).ToList())}) r
            """, ct)).ToDictionary(r => r.Key);
        var now = sql.Query.AsOf ?? clock.GetUtcNow();
        return fundraisers.Select(f =>
        {
            var r = raised.GetValueOrDefault(f.FundraiserId);
            var amount = r?.AttributedMinor ?? 0;
            return new FundraiserLine(f.FundraiserId, f.Title, f.CampaignId, f.Currency, f.GoalMinor, amount,
                f.GoalMinor > 0 ? Math.Round(100.0 * amount / f.GoalMinor, 2) : 0, r?.Donations ?? 0, r?.Donors ?? 0, f.Deadline,
                FundraiserStatus.Of(amount, f.GoalMinor, f.Deadline, now));
        }).ToList();
    }

    private static IResult FundraisersCsv(IEnumerable<FundraiserLine> lines) =>
        Csv.File("fundraisers", ["fundraiser_id", "title", "campaign_id", "currency", "goal", "raised", "percent", "donations", "donors", "deadline", "status"],
            lines.Select(f => new[]
            {
                f.FundraiserId, f.Title, f.CampaignId, f.Currency, Csv.Major(f.GoalMinor, f.Currency), Csv.Major(f.RaisedMinor, f.Currency), Csv.Number(f.Percent),
                f.Donations.ToString(), f.Donors.ToString(), f.Deadline.ToString("O"), f.Status,
            }));

    private static Task<IResult> Daily([AsParameters] ReportParameters p, string? by, string? top, IQuerySession session, CancellationToken ct) => Run(p, session, ct, async sql =>
    {
        if (by is not (null or FactDims.Post or FactDims.Campaign or FactDims.Fundraiser)) return Problems.BadRequest("'by' is 'post', 'campaign' or 'fundraiser'.");
        if (top is not null && (!int.TryParse(top, out var most) || most is < 1 or > 100)) return Problems.BadRequest("'top' must be a whole number from 1 to 100.");
        var days = await sql.RowsAsync<DayRow>($"""
            select jsonb_build_object('day', day::text, 'currency', currency, 'grossMinor', sum(gross), 'refundedMinor', sum(refunded),
                                      'attributedMinor', sum(attributed), 'donations', sum(donations))
            from {sql.Rows([FactDims.Donation], byDay: true)} x group by day, currency having sum(donations) > 0 order by day, currency
            """, ct);
        // With top: per currency the keys that raised most in the period, the rest as one line with key '' (a chart's "others").
        IReadOnlyList<DayKeyRow> byKey = by is null ? [] : await sql.RowsAsync<DayKeyRow>($"""
            with k as (select day, key, currency, sum(attributed) as attributed from {Keyed(sql, by, byDay: true)} x group by day, key, currency having sum(donations) > 0),
            ranked as (select key, currency, row_number() over (partition by currency order by sum(attributed) desc, key) as place from k group by key, currency)
            select jsonb_build_object('day', day::text, 'key', shown, 'currency', currency, 'attributedMinor', sum(attributed))
            from (select k.day, {(top is null ? "k.key" : $"case when r.place <= {int.Parse(top)} then k.key else '' end")} as shown, k.currency, k.attributed
                  from k join ranked r using (key, currency)) x
            group by day, shown, currency order by day, shown, currency
            """, ct);
        var report = new DailyReport(days.Select(DayTotals.Of).ToList(), byKey);
        if (!sql.Query.Csv) return TypedResults.Ok(report);
        return by is null
            ? Csv.File("daily", ["day", "currency", "gross", "refunded", "net", "attributed", "unattributed", "donations"],
                report.Days.Select(d => Row(d.Currency, d.GrossMinor, d.RefundedMinor, d.NetMinor, d.AttributedMinor, d.UnattributedMinor).Prepend(d.Day).Append(d.Donations.ToString()).ToList()))
            : Csv.File($"daily-by-{by}", ["day", by, "currency", "attributed"], byKey.Select(d => new[] { d.Day, d.Key, d.Currency, Csv.Major(d.AttributedMinor, d.Currency) }));
    });

    private static Task<IResult> Payouts([AsParameters] ReportParameters p, IQuerySession session, CancellationToken ct) => Run(p, session, ct, async sql =>
    {
        var received = await sql.RowsAsync<ProviderMoneyRow>($"""
            select jsonb_build_object('provider', provider, 'currency', currency, 'grossMinor', sum(gross), 'refundedMinor', sum(refunded),
                                      'feeMinor', sum(fee), 'donations', sum(donations))
            from {sql.Rows([FactDims.Donation])} x group by provider, currency having sum(donations) > 0 order by provider, currency
            """, ct);
        var payouts = (await session.Query<PayoutEntry>().Where(x => x.NgoId == p.Ngo).ToListAsync(ct))
            .Where(x => (sql.Query.AsOf is null || x.OccurredAt <= sql.Query.AsOf) && sql.Query.Covers(x.OccurredAt)).ToList();
        var lines = received.Select(r => (r.Provider, r.Currency)).Union(payouts.Select(x => (x.Provider, x.Currency))).Order().Select(key =>
        {
            var r = received.FirstOrDefault(x => (x.Provider, x.Currency) == key);
            var paid = payouts.Where(x => (x.Provider, x.Currency) == key && x.Succeeded).ToList();
            var net = (r?.GrossMinor ?? 0) - (r?.RefundedMinor ?? 0);
            return new PayoutLine(key.Provider, key.Currency, r?.GrossMinor ?? 0, r?.RefundedMinor ?? 0, r?.FeeMinor ?? 0, net - (r?.FeeMinor ?? 0), r?.Donations ?? 0,
                paid.Sum(x => x.AmountMinor), paid.Sum(x => x.FeeMinor), paid.Sum(x => x.AmountMinor - x.FeeMinor),
                payouts.Count(x => (x.Provider, x.Currency) == key && !x.Succeeded));
        }).ToList();
        return sql.Query.Csv
            ? Csv.File("payouts", ["provider", "currency", "gross", "refunded", "fee", "net_of_fee", "donations", "paid_out", "payout_fee", "reached_bank", "failed_payouts"],
                lines.Select(l => Row(l.Currency, l.GrossMinor, l.RefundedMinor, l.FeeMinor, l.NetOfFeeMinor).Prepend(l.Provider).Append(l.Donations.ToString())
                    .Concat(Row(l.Currency, l.PaidOutMinor, l.PayoutFeeMinor, l.ReachedBankMinor).Skip(1)).Append(l.FailedPayouts.ToString()).ToList()))
            : TypedResults.Ok(lines);
    });

    /// <summary>Money raised through posts while the community was verified, and while it was not: per post, to compare.</summary>
    private static Task<IResult> Verification([AsParameters] ReportParameters p, IQuerySession session, CancellationToken ct) => Run(p, session, ct, async sql =>
    {
        var changes = (await session.LoadAsync<NgoProfile>(p.Ngo, ct))?.Verification.OrderBy(v => v.At).ToList() ?? [];
        var lines = new List<VerificationPeriod>();
        for (var i = 0; i < changes.Count; i++)
        {
            // The first status stands for everything before the first change, as registered.
            DateTimeOffset? since = i == 0 ? null : changes[i].At;
            DateTimeOffset? until = i + 1 < changes.Count ? changes[i + 1].At : null;
            var rows = await sql.RowsAsync<CreditRow>($"""
                select jsonb_build_object('key', '', 'currency', t.currency, 'attributedMinor', t.attributed, 'donations', t.donations, 'donors', coalesce(p.posts, 0)) from
                  (select currency, sum(attributed) as attributed, sum(donations) as donations from {sql.Rows([FactDims.Posts], since: since, until: until, creditOnly: true)} x
                   group by currency having sum(donations) > 0) t
                  left join (select currency, count(*) as posts from (select currency, key from {sql.Rows([FactDims.Post], since: since, until: until, creditOnly: true)} y
                             group by currency, key having sum(donations) > 0) k group by currency) p using (currency)
                order by t.currency
                """, ct);
            var from = changes[i].At;
            // Donors here holds the posts credited; per post is rounded to the nearest minor unit, never truncated.
            lines.AddRange(rows.Select(r => new VerificationPeriod(changes[i].Verified, from, until, r.Currency, r.AttributedMinor, r.Donors,
                VerificationPeriod.PerPost(r.AttributedMinor, r.Donors), r.Donations)));
            if (rows.Count == 0) lines.Add(new VerificationPeriod(changes[i].Verified, from, until, "", 0, 0, 0, 0));
        }
        return sql.Query.Csv
            ? Csv.File("verification", ["verified", "from", "until", "currency", "attributed_to_posts", "posts_credited", "per_post", "donations"],
                lines.Select(l => new[]
                {
                    l.Verified ? "true" : "false", l.From.ToString("O"), l.Until?.ToString("O"), l.Currency,
                    l.Currency == "" ? "" : Csv.Major(l.AttributedToPostsMinor, l.Currency), l.PostsCredited.ToString(), l.Currency == "" ? "" : Csv.Major(l.PerPostMinor, l.Currency),
                    l.Donations.ToString(),
                }))
            : TypedResults.Ok(lines);
    });

    private static Task<IReadOnlyList<CreditRow>> CreditsByAsync(ReportSql sql, string dim, CancellationToken ct) => sql.RowsAsync<CreditRow>($"""
        select jsonb_build_object('key', key, 'currency', currency, 'attributedMinor', sum(attributed), 'donations', sum(donations), 'donors', 0)
        from {Keyed(sql, dim)} x group by key, currency having sum(donations) > 0
        """, ct);

    /// <summary>
    /// Credit rows of posts or campaigns, keyed by the post or campaign. A fundraiser's credit that names no campaign
    /// counts for the fundraiser's campaign as the catalog knows it now.
    /// </summary>
    private static string Keyed(ReportSql sql, string dim, bool byDay = false) => dim == FactDims.Campaign
        ? $"""
          (select r.day, coalesce(case when r.dim = '{FactDims.FundraiserCampaign}' then f.data->>'campaignId' else r.key end, '') as key, r.currency, r.attributed, r.donations
           from {sql.Rows([FactDims.Campaign, FactDims.FundraiserCampaign], byDay, creditOnly: true)} r
           left join {sql.Table<FundraiserView>()} f on r.dim = '{FactDims.FundraiserCampaign}' and f.data->>'ngoId' = {sql.Ngo} and f.data->>'fundraiserId' = r.key
           where r.dim = '{FactDims.Campaign}' or f.data->>'campaignId' is not null)
          """
        : sql.Rows([dim], byDay, creditOnly: true);

    private static Task<IReadOnlyList<ClickRow>> ClicksByAsync(ReportSql sql, CancellationToken ct) => sql.RowsAsync<ClickRow>($"""
        select jsonb_build_object('key', key, 'clicks', humans, 'botClicks', bots, 'people', people, 'paidClicks', paid) from {sql.Clicks()} x
        """, ct);

    private static Task<IReadOnlyList<SpendRow>> SpendByAsync(ReportSql sql, string field, CancellationToken ct)
    {
        var (period, parameters) = sql.Period("(data->>'spentAt')::timestamptz");
        return sql.RowsAsync<SpendRow>($"""
            select jsonb_build_object('key', k, 'currency', cur, 'ownMinor', own, 'grantMinor', grants) from (
              select data->>'{field}' as k, data->>'currency' as cur,
                     coalesce(sum((data->>'amountMinor')::bigint) filter (where data->>'source' = 'own'), 0) as own,
                     coalesce(sum((data->>'amountMinor')::bigint) filter (where data->>'source' = 'vk_grant'), 0) as grants
              from {sql.Table<SpendEntry>()} where data->>'ngoId' = ? and data->>'{field}' is not null{period} group by 1, 2) x
            """, ct, [sql.Query.Ngo, .. parameters]);
    }

    private static readonly string[] MoneyHeaders = ["currency", "attributed", "donations_in_currency", "spend_own", "spend_vk_grant", "raised_per_ruble_spent", "raised_per_grant_ruble"];

    private static IEnumerable<IReadOnlyList<string?>> MoneyRows(IReadOnlyList<MoneyLine> money, string?[] leading) =>
        money.Count == 0
            ? [[.. leading, "", "", "", "", "", "", ""]]
            : money.Select(m => (IReadOnlyList<string?>)[.. leading, m.Currency, Csv.Major(m.AttributedMinor, m.Currency), m.Donations.ToString(),
                Csv.Major(m.SpendOwnMinor, m.Currency), Csv.Major(m.SpendGrantMinor, m.Currency), Csv.Number(m.RaisedPerRubleSpent), Csv.Number(m.RaisedPerGrantRuble)]);

    /// <summary>The currency, then each amount in its major units.</summary>
    private static IEnumerable<string?> Row(string currency, params long[] amounts) => amounts.Select(a => Csv.Major(a, currency)).Prepend(currency);
}
