using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Testing;

namespace Donations.EndToEndTests;

/// <summary>VK Ads spend imported per campaign and day, against the VK stand-in; a day imported again replaces its amount.</summary>
[Collection(SystemCollection.Name)]
public class VkAdsTests(DonationsSystem system)
{
    private static long _next = 900_000 + Random.Shared.Next(50_000) * 10;

    private static readonly string Yesterday = DateTime.UtcNow.AddHours(3).Date.AddDays(-1).ToString("yyyy-MM-dd");
    private static readonly string TwoDaysAgo = DateTime.UtcNow.AddHours(3).Date.AddDays(-2).ToString("yyyy-MM-dd");

    private async Task<(Scenario Ngo, FakeVk.Community Community, long Account)> ConnectedAsync(bool userToken = true)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var id = Interlocked.Increment(ref _next);
        var token = $"vk1.a.community-{Guid.NewGuid():N}";
        var community = system.Vk.Add(id, $"Фонд {id}", token);
        community.StatsToken = $"vk1.a.user-{Guid.NewGuid():N}";
        community.AdsAccountId = id * 10;
        community.AdsCampaigns.UnionWith([11, 12, 13]);
        var connect = await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/vk",
            new { groupId = id, accessToken = token, userToken = userToken ? community.StatsToken : null });
        Assert.Equal(HttpStatusCode.OK, connect.StatusCode);
        foreach (var campaign in new[] { "ads-own", "ads-grant" })
            Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns",
                new { id = campaign, name = campaign, startsAt = DateTimeOffset.UtcNow.AddDays(-60) })).StatusCode);
        return (ngo, community, id * 10);
    }

    private static object Mapping(long account) => new
    {
        accountId = account,
        campaigns = new[] { new { adsCampaignId = 11L, campaignId = "ads-own", source = "own" }, new { adsCampaignId = 12L, campaignId = "ads-grant", source = "vk_grant" } },
    };

    private static async Task<(long Own, long Grant)> SpendAsync(Scenario ngo, string campaign)
    {
        var lines = (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/campaigns"))!;
        // The campaign may not have reached Reporting yet.
        if (lines.SingleOrDefault(l => l!.Str("campaignId") == campaign) is not { } line) return (-1, -1);
        var rub = line["money"]!.AsArray().SingleOrDefault(m => m!.Str("currency") == "RUB");
        return rub is null ? (0, 0) : (rub.Long("spendOwnMinor"), rub.Long("spendGrantMinor"));
    }

    [Fact]
    public async Task Spend_is_imported_per_campaign_and_day_and_a_day_imported_again_replaces_its_amount()
    {
        var (ngo, community, account) = await ConnectedAsync();
        community.AdsSpent[(11, TwoDaysAgo)] = "100.00";
        community.AdsSpent[(11, Yesterday)] = "150.50";
        community.AdsSpent[(12, Yesterday)] = "20.004"; // VK may show fractions of a kopeck
        community.AdsSpent[(13, Yesterday)] = "999.00"; // not mapped: not ours to count

        var response = await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/vk/ads", Mapping(account));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.Async(async () => await SpendAsync(ngo, "ads-own") == (100_00 + 150_50, 0) && await SpendAsync(ngo, "ads-grant") == (0, 20_00),
            "the imported spend reaches the campaigns report");

        // VK revised yesterday's spend: the next sync replaces it, and importing the same again adds nothing.
        community.AdsSpent[(11, Yesterday)] = "175.00";
        Assert.Equal(HttpStatusCode.OK, (await ngo.Ingestion.PostAsync($"/api/ngos/{ngo.NgoId}/vk/sync", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ngo.Ingestion.PostAsync($"/api/ngos/{ngo.NgoId}/vk/sync", null)).StatusCode);
        await Eventually.Async(async () => await SpendAsync(ngo, "ads-own") == (100_00 + 175_00, 0), "the re-imported day replaces the first import");
        Assert.Equal((0L, 20_00L), await SpendAsync(ngo, "ads-grant"));
    }

    [Fact]
    public async Task Bad_ads_settings_name_what_to_fix_and_store_nothing()
    {
        var (ngo, community, account) = await ConnectedAsync();
        community.AdsSpent[(11, Yesterday)] = "150.00";
        var path = $"/api/ngos/{ngo.NgoId}/vk/ads";

        async Task<string> Problem(object body, HttpStatusCode status)
        {
            var response = await ngo.Ingestion.PutAsJsonAsync(path, body);
            Assert.Equal(status, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail");
        }

        Assert.Contains("'accountId'", await Problem(new { campaigns = Array.Empty<object>() }, HttpStatusCode.BadRequest));
        Assert.Contains("'campaigns[0].source'", await Problem(new { accountId = account, campaigns = new[] { new { adsCampaignId = 11, campaignId = "ads-own", source = "budget" } } }, HttpStatusCode.BadRequest));
        Assert.Contains("'campaigns[0].campaignId'", await Problem(new { accountId = account, campaigns = new[] { new { adsCampaignId = 11, campaignId = "nope", source = "own" } } }, HttpStatusCode.UnprocessableEntity));
        // An account the token cannot see, and a campaign the account does not have.
        Assert.Contains("'accountId'", await Problem(Mapping(account + 1), HttpStatusCode.UnprocessableEntity));
        Assert.Contains("'campaigns[0].adsCampaignId'", await Problem(new { accountId = account, campaigns = new[] { new { adsCampaignId = 77, campaignId = "ads-own", source = "own" } } }, HttpStatusCode.UnprocessableEntity));

        Assert.Equal(HttpStatusCode.OK, (await ngo.Ingestion.PostAsync($"/api/ngos/{ngo.NgoId}/vk/sync", null)).StatusCode);
        Assert.Empty(await system.RowsContainingAsync("ingestion", $"{ngo.NgoId}/11/"));

        // Without a user token VK Ads cannot be read.
        var (plain, _, plainAccount) = await ConnectedAsync(userToken: false);
        var response = await plain.Ingestion.PutAsJsonAsync($"/api/ngos/{plain.NgoId}/vk/ads", Mapping(plainAccount));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("'userToken'", (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail"));
    }
}
