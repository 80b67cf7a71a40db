using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>The NGO's catalog: each item once, validated, referring only to what exists.</summary>
[Collection(SystemCollection.Name)]
public class CatalogTests(DonationsSystem system)
{
    [Fact]
    public async Task Campaigns_fundraisers_posts_and_spend_refer_only_to_what_the_ngo_registered()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var api = ngo.Ingestion;
        var at = DateTimeOffset.UtcNow;

        var campaign = await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns", new { name = "Зима", startsAt = at });
        Assert.Equal(HttpStatusCode.Created, campaign.StatusCode);
        var campaignId = (await campaign.Content.ReadFromJsonAsync<JsonObject>())!.Str("campaignId");
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns", new { id = campaignId, name = "Twin", startsAt = at })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns", new { name = "Backwards", startsAt = at, endsAt = at.AddDays(-1) })).StatusCode);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers",
            new { id = "coats", campaignId = "no-such-campaign", title = "Куртки", goal = new { amountMinor = 100_00, currency = "RUB" }, deadline = at.AddDays(9) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers",
            new { id = "coats", campaignId, title = "Куртки", goal = new { amountMinor = -1, currency = "RUB" }, deadline = at.AddDays(9) })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers",
            new { id = "coats", campaignId, title = "Куртки", goal = new { amountMinor = 100_00, currency = "RUB" }, deadline = at.AddDays(9) })).StatusCode);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/posts", new { id = "wall-1_1", campaignId = "no-such-campaign" })).StatusCode);
        var post = await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/posts", new { id = "https://vk.com/club1?w=wall-1_1", campaignId, fundraiserId = "coats" });
        Assert.Equal("wall-1_1", (await post.Content.ReadFromJsonAsync<JsonObject>())!.Str("postId"));
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/posts", new { id = "wall-1_1", campaignId })).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/spend",
            new { campaignId, postId = "wall-1_1", amountMinor = 5000_00, currency = "RUB", source = "vk_grant", at })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/spend",
            new { campaignId, amountMinor = 5000_00, currency = "RUB", source = "lottery", at })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/spend",
            new { campaignId, postId = "wall-9_9", amountMinor = 5000_00, currency = "RUB", source = "own", at })).StatusCode);
    }

    [Fact]
    public async Task Verification_can_change_and_only_a_manager_changes_it()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var changed = await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/verification", new { verified = false });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.False((await changed.Content.ReadFromJsonAsync<JsonObject>())!["verified"]!.GetValue<bool>());
        using var viewer = system.Client(system.Ingestion, ngo.ViewerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/verification", new { verified = true })).StatusCode);
    }

    [Fact]
    public async Task Provider_settings_are_validated_per_provider()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var api = ngo.Ingestion;
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/providers/paypal", new { secret = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/providers/vk", new { secret = "s" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/providers/yookassa", new { allowedNetworks = new[] { "not-a-network" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/providers/yookassa", new { secretKey = "live_1" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/providers/generic", new { secret = "short" })).StatusCode);
        var saved = await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/providers/cloudpayments", new { apiSecret = "cp-secret" });
        Assert.DoesNotContain("cp-secret", await saved.Content.ReadAsStringAsync());
    }
}
