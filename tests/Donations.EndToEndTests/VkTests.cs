using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>VK Callback API on VkNet's fixtures, completed with the envelope VK's schema requires (event_id, v, secret).</summary>
[Collection(SystemCollection.Name)]
public class VkTests(DonationsSystem system)
{
    private const string Secret = "vk-callback-secret";
    private const long GroupId = 1234;

    private static async Task<Scenario> NgoAsync(DonationsSystem system)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ConfigureAsync("vk", new { groupId = GroupId, secret = Secret, confirmation = "a1b2c3d4" });
        return ngo;
    }

    private static byte[] Event(string fixtureOrJson, string eventId, string secret = Secret, long? groupId = null)
    {
        var json = JsonNode.Parse(fixtureOrJson.EndsWith(".json", StringComparison.Ordinal) ? Encoding.UTF8.GetString(Fixtures.Bytes(fixtureOrJson)) : fixtureOrJson)!.AsObject();
        json["event_id"] = eventId;
        json["v"] = "5.199";
        json["secret"] = secret;
        if (groupId is not null) json["group_id"] = groupId;
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    private static Task<HttpResponseMessage> Post(Scenario ngo, byte[] body) => ngo.PostRawAsync($"/webhooks/vk/{ngo.NgoId}", body, "application/json");

    private static async Task AssertOk(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Confirmation_is_answered_with_the_ngos_string()
    {
        var ngo = await NgoAsync(system);
        var response = await Post(ngo, Encoding.UTF8.GetBytes($"{{\"type\":\"confirmation\",\"group_id\":{GroupId},\"secret\":\"{Secret}\"}}"));
        Assert.Equal("a1b2c3d4", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_donut_fixture_is_accepted_and_only_subscriptions_and_prolongations_are_money()
    {
        var ngo = await NgoAsync(system);
        var fixtures = Directory.GetFiles(Path.Combine(Fixtures.Directory, "vk"), "*.json").Select(f => "vk/" + Path.GetFileName(f)).Order().ToList();
        Assert.Equal(7, fixtures.Count);
        foreach (var fixture in fixtures) await AssertOk(await Post(ngo, Event(fixture, $"evt-{Path.GetFileNameWithoutExtension(fixture)}")));
        // VK delivers again: the same event_id changes nothing.
        await AssertOk(await Post(ngo, Event("vk/donut_subscription_create.vknet-fixture.json", "evt-donut_subscription_create.vknet-fixture")));

        var created = await ngo.DonationWhenAsync("evt-donut_subscription_create.vknet-fixture", _ => true, provider: "vk");
        // The subscription is keyed by the donor's pseudonym: the VK user id (1234) is never stored.
        Assert.Equal(50_00L, created.Long("amountMinor"));
        Assert.StartsWith("donut:dnr_", created.Str("subscriptionId"));
        var prolonged = await ngo.DonationWhenAsync("evt-donut_subscription_prolonged.vknet-fixture", d => d.Attribution().Str("rule") == "recurring", provider: "vk");
        Assert.Equal(50_00, prolonged.Long("amountMinor"));

        await ngo.AssertNoDonationAsync("vk", "evt-donut_money_withdraw.vknet-fixture");
        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal((3L, 100_01L), (rub.Long("donations"), rub.Long("grossMinor"))); // two Donut payments and the sentinel
    }

    [Fact]
    public async Task A_vk_pay_transfer_in_thousandths_of_a_rouble_carries_its_click_id()
    {
        var ngo = await NgoAsync(system);
        var clickId = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-8001_1", "spring")));
        var transfer = $"{{\"type\":\"vkpay_transaction\",\"group_id\":{GroupId},\"object\":{{\"from_id\":777,\"amount\":150000,\"description\":\"На куртки click_id={clickId}\",\"date\":{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}}}";

        await AssertOk(await Post(ngo, Event(transfer, "evt-vkpay-1")));

        var donation = await ngo.DonationWhenAsync("evt-vkpay-1", d => d.Attribution().Str("status") == "attributed", provider: "vk");
        Assert.Equal(150_00, donation.Long("amountMinor"));
        Assert.Equal(clickId, Assert.Single(donation.Credits())!.Str("clickId"));

        var fractional = transfer.Replace("150000", "150005");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Post(ngo, Event(fractional, "evt-vkpay-2"))).StatusCode);
    }

    [Fact]
    public async Task A_wrong_secret_or_community_is_refused_and_stores_nothing()
    {
        var ngo = await NgoAsync(system);
        var wrongSecret = await Post(ngo, Event("vk/donut_subscription_create.vknet-fixture.json", "evt-forged", secret: "guess"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal("application/problem+json", wrongSecret.Content.Headers.ContentType?.MediaType);
        var wrongGroup = await Post(ngo, Event("vk/donut_subscription_create.vknet-fixture.json", "evt-other-group", groupId: 999));
        Assert.Equal(HttpStatusCode.Forbidden, wrongGroup.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(ngo, Encoding.UTF8.GetBytes("{\"type\":"))).StatusCode);
        await ngo.AssertNoDonationAsync("vk", "evt-forged");
        await ngo.AssertNoDonationAsync("vk", "evt-other-group");
    }
}
