using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Testing;

namespace Donations.EndToEndTests;

/// <summary>GET /api/ngos/{ngo}/reports/funnel: per post, VK's attention next to the clicks, donations and money it turned into.</summary>
[Collection(SystemCollection.Name)]
public class PostFunnelTests(DonationsSystem system)
{
    private static long _nextGroup = 660_000 + Random.Shared.Next(100_000) * 10;

    [Fact]
    public async Task Each_post_shows_views_reach_people_bots_donations_and_money_per_currency_and_sorts_by_any_of_them()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var groupId = Interlocked.Increment(ref _nextGroup);
        var (token, userToken) = ($"vk1.a.funnel-{Guid.NewGuid():N}", $"vk1.a.stats-{Guid.NewGuid():N}");
        var community = system.Vk.Add(groupId, "Фонд воронки", token);
        community.StatsToken = userToken;
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        FakeVk.Post loved = new(1, at - 7200, "Все лайкают", 9_000, 800, 120, 7_000), giving = new(2, at - 3600, "Все жертвуют", 2_000, 40, 3, 1_600);
        community.Posts.AddRange([loved, giving]);
        var connected = await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/vk", new { groupId, accessToken = token, userToken });
        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        var (lovedId, givingId) = ($"wall-{groupId}_1", $"wall-{groupId}_2");

        // Only the giving post is assigned and linked; the loved one stays a synced post with VK's counts alone.
        Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns",
            new { id = "funnel", name = "Воронка", startsAt = DateTimeOffset.UtcNow.AddDays(-3) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/posts/{givingId}", new { campaignId = "funnel" })).StatusCode);
        var code = await ngo.CreateLinkAsync(givingId);
        var (first, cookie) = await ngo.FirstVisitAsync(code);
        var again = await ngo.ClickAsync(code, cookie: cookie);          // the same person clicks twice
        var second = await ngo.ClickAsync(code);                          // another person
        await ngo.ClickAsync(code, "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)");
        await ngo.PostGenericAsync(Scenario.DonationBody("fn-1", 500_00, first));
        await ngo.PostGenericAsync(Scenario.DonationBody("fn-2", 12_50, second, currency: "EUR"));
        await ngo.DonationAsync("fn-1", "attributed");
        await ngo.DonationAsync("fn-2", "attributed");
        Assert.NotNull(again);

        JsonArray posts = null!;
        await Eventually.Async(async () =>
        {
            posts = (await ngo.Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/reports/funnel"))!["posts"]!.AsArray();
            return posts.Count == 2 && Line(posts, givingId)["money"]!.AsArray().Count == 2;
        }, "both posts and both currencies reach the funnel");

        // Newest first by default.
        Assert.Equal([givingId, lovedId], posts.Select(p => p!.Str("postId")));
        var g = Line(posts, givingId);
        Assert.Equal(giving.Views, g.Long("views"));
        Assert.Equal(giving.Reach, g.Long("reach"));
        Assert.Equal(giving.Likes, g.Long("likes"));
        Assert.Equal(giving.Reposts, g.Long("reposts"));
        Assert.Equal(3, g.Long("clicks"));      // three human clicks
        Assert.Equal(2, g.Long("people"));      // by two people
        Assert.Equal(1, g.Long("botClicks"));
        Assert.Equal(2, g.Long("donations"));
        Assert.Equal(2, g.Long("donors"));
        Assert.Equal(Math.Round(2.0 / giving.Reach, 4), g["clickThrough"]!.GetValue<double>());
        Assert.Equal(1.0, g["conversion"]!.GetValue<double>());
        var money = g["money"]!.AsArray().ToDictionary(m => m!.Str("currency"), m => m!.Long("attributedMinor"));
        Assert.Equal(new Dictionary<string, long> { ["EUR"] = 12_50, ["RUB"] = 500_00 }, money);

        var l = Line(posts, lovedId);
        Assert.Equal(loved.Views, l.Long("views"));
        Assert.Equal(loved.Likes, l.Long("likes"));
        Assert.Equal(0, l.Long("clicks"));
        Assert.Empty(l["money"]!.AsArray());
        Assert.Null(l["campaignId"]);

        // "They like and repost but rarely donate": by likes the loved post leads, by donations the giving one.
        Assert.Equal(lovedId, await FirstAsync(ngo, "likes"));
        Assert.Equal(givingId, await FirstAsync(ngo, "donations"));
        Assert.Equal(lovedId, await FirstAsync(ngo, "reach"));

        var bad = await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/funnel?sort=money");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'sort'", (await bad.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail"));
        var csv = await ngo.Reporting.GetStringAsync($"/api/ngos/{ngo.NgoId}/reports/funnel?format=csv&sort=donations");
        var rows = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("post_id,published_at,campaign_id,views,reach", rows[0]);
        Assert.Equal(4, rows.Length);           // the giving post once per currency, the loved post once
    }

    private static JsonNode Line(JsonArray posts, string id) => posts.Single(p => p!.Str("postId") == id)!;

    private static async Task<string> FirstAsync(Scenario ngo, string sort) =>
        (await ngo.Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/reports/funnel?sort={sort}"))!["posts"]![0]!.Str("postId");
}
