using Donations.Reporting.Catalog;
using Donations.ServiceDefaults.Security;
using Marten;

namespace Donations.Reporting.Reports;

/// <summary>Money a post raised in one currency (never summed across currencies).</summary>
public sealed record FunnelMoney(string Currency, long AttributedMinor, int Donations);

/// <summary>
/// One post's way from being seen to money: VK's views and reach, link clicks by people (bots apart), donations, donors
/// and money; likes and reposts beside them — "they like and repost but rarely donate", as numbers. VK's counts are null
/// for a post pasted from outside the connected community; <see cref="ClickThrough"/> is people ÷ reach (÷ views when
/// VK gave no reach), <see cref="Conversion"/> donors ÷ people.
/// </summary>
public sealed record FunnelLine(
    string PostId, DateTimeOffset PublishedAt, string? Text, string? CampaignId, string? FundraiserId,
    long? Views, long? Reach, long? Likes, long? Reposts, long Clicks, long People, long BotClicks, int Donations, int Donors,
    IReadOnlyList<FunnelMoney> Money, double? ClickThrough, double? Conversion);

/// <summary><c>GET /api/ngos/{ngo}/reports/funnel</c>: every post of the NGO, synced from VK or registered, as a funnel.</summary>
public static class PostFunnel
{
    /// <summary>What <c>?sort=</c> may name, largest first; by default newest post first.</summary>
    private static readonly Dictionary<string, Func<FunnelLine, double>> Sorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["views"] = l => l.Views ?? -1, ["reach"] = l => l.Reach ?? -1, ["likes"] = l => l.Likes ?? -1, ["reposts"] = l => l.Reposts ?? -1,
        ["clicks"] = l => l.Clicks, ["people"] = l => l.People, ["donations"] = l => l.Donations, ["donors"] = l => l.Donors,
        ["conversion"] = l => l.Conversion ?? -1, ["clickThrough"] = l => l.ClickThrough ?? -1,
    };

    public static void MapPostFunnel(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/ngos/{ngo}/reports/funnel", Funnel).RequireNgoKey(NgoRoles.Viewer).WithTags("Reports")
            .WithSummary("Per post: views → reach → link clicks (people, bots apart) → donations → money, with likes and reposts; ?sort=views|reach|likes|reposts|clicks|people|donations|donors|conversion|clickThrough.");

    private static async Task<IResult> Funnel(
        [Microsoft.AspNetCore.Http.AsParameters] ReportParameters p, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "sort")] string? sort, IQuerySession session, CancellationToken ct)
    {
        var (query, problem) = await p.QueryAsync(session, ct);
        if (problem is not null) return problem;
        if (sort is not null && !Sorts.ContainsKey(sort))
            return ServiceDefaults.Http.Problems.BadRequest($"'sort' is one of {string.Join(", ", Sorts.Keys)}; '{sort}' is not.");

        var sql = new ReportSql(session, query!);
        var registered = (await ReportEndpoints.PostLinesAsync(sql, session, ct)).ToDictionary(l => l.PostId);
        var synced = (await session.Query<PostStatsView>().Where(x => x.NgoId == p.Ngo).ToListAsync(ct)).ToDictionary(x => x.PostId);
        var lines = registered.Keys.Union(synced.Keys).Select(id =>
        {
            registered.TryGetValue(id, out var line);
            synced.TryGetValue(id, out var vk);
            var people = line?.People ?? 0;
            var seen = vk?.Reach ?? vk?.Views;
            return new FunnelLine(id, vk?.PublishedAt ?? line!.PublishedAt, vk?.Text, line?.CampaignId, line?.FundraiserId,
                vk?.Views, vk?.Reach, vk?.Likes, vk?.Reposts, line?.Clicks ?? 0, people, line?.BotClicks ?? 0, line?.Donations ?? 0, line?.Donors ?? 0,
                line?.Money.Select(m => new FunnelMoney(m.Currency, m.AttributedMinor, m.Donations)).ToList() ?? [],
                seen is > 0 ? Math.Round((double)people / seen.Value, 4) : null, line?.Conversion);
        });
        var ordered = (sort is null ? lines.OrderByDescending(l => l.PublishedAt) : lines.OrderByDescending(Sorts[sort])).ThenBy(l => l.PostId, StringComparer.Ordinal).ToList();

        return query!.Csv
            ? Csv.File("funnel", ["post_id", "published_at", "campaign_id", "views", "reach", "likes", "reposts", "clicks", "people", "bot_clicks", "donations", "donors",
                    "click_through", "conversion", "currency", "attributed"],
                ordered.SelectMany(l => (l.Money.Count > 0 ? l.Money.Select(m => (FunnelMoney?)m) : [null]).Select(m => (IReadOnlyList<string?>)
                [
                    l.PostId, l.PublishedAt.ToString("O"), l.CampaignId, l.Views?.ToString(), l.Reach?.ToString(), l.Likes?.ToString(), l.Reposts?.ToString(),
                    l.Clicks.ToString(), l.People.ToString(), l.BotClicks.ToString(), l.Donations.ToString(), l.Donors.ToString(),
                    Csv.Number(l.ClickThrough), Csv.Number(l.Conversion), m?.Currency, m is null ? null : Csv.Major(m.AttributedMinor, m.Currency),
                ])))
            : TypedResults.Ok(new { posts = ordered });
    }
}
