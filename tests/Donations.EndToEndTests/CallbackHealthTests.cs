using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>
/// The providers page's API: the webhook URLs to paste, the notifications to switch on, which secrets are set (never
/// their values), and callback health — each delivery, accepted or refused with what to fix, seen within seconds.
/// </summary>
[Collection(SystemCollection.Name)]
public class CallbackHealthTests(DonationsSystem system)
{
    private const string ApiSecret = "cp-api-secret-7f3a91c2";
    private const string Form = "application/x-www-form-urlencoded";

    private static string Sign(string secret, byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static Task<HttpResponseMessage> PayAsync(Scenario ngo, byte[] body, string secret) =>
        ngo.PostRawAsync($"/webhooks/cloudpayments/{ngo.NgoId}/pay", body, Form, ("Content-HMAC", Sign(secret, body)));

    private static async Task<JsonObject> ProviderAsync(Scenario ngo, string provider)
    {
        var response = await ngo.Ingestion.GetAsync($"/api/ngos/{ngo.NgoId}/providers");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(ApiSecret, text); // write-only
        return JsonNode.Parse(text)!["providers"]!.AsArray().Single(p => p!["provider"]!.GetValue<string>() == provider)!.AsObject();
    }

    private static async Task<JsonObject> HealthWhenAsync(Scenario ngo, Func<JsonObject, bool> until, string what)
    {
        JsonObject health = null!;
        // Within a minute of the delivery is the promise; counts are flushed every few seconds.
        await Eventually.Async(async () => until(health = (await ProviderAsync(ngo, "cloudpayments"))["health"]!.AsObject()), what, seconds: 60);
        return health;
    }

    private static async Task<JsonNode> HealthAsync(Scenario ngo, string provider) => (await ProviderAsync(ngo, provider))["health"]!;

    private static long Sum(JsonObject health, string field) => health["days"]!.AsArray().Sum(d => d![field]!.GetValue<long>());

    [Fact]
    public async Task A_wrongly_signed_pay_shows_as_refused_with_what_to_fix_a_good_one_as_accepted_and_another_NGO_sees_nothing()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var other = await Scenario.NewNgoAsync(system);

        var before = await ProviderAsync(ngo, "cloudpayments");
        Assert.False(before["configured"]!.GetValue<bool>());
        Assert.False(before["secrets"]!.AsArray().Single()!["set"]!.GetValue<bool>());
        await ngo.ConfigureAsync("cloudpayments", new { apiSecret = ApiSecret });

        var configured = await ProviderAsync(ngo, "cloudpayments");
        Assert.True(configured["configured"]!.GetValue<bool>());
        Assert.Equal(("apiSecret", true), (configured["secrets"]![0]!["field"]!.GetValue<string>(), configured["secrets"]![0]!["set"]!.GetValue<bool>()));
        var webhooks = configured["webhooks"]!.AsArray();
        var pay = webhooks.Single(w => w!["notifications"]!.AsArray().Any(n => n!.GetValue<string>() == "Pay"))!["url"]!.GetValue<string>();
        Assert.Equal(new Uri(ngo.Ingestion.BaseAddress!, $"/webhooks/cloudpayments/{ngo.NgoId}/pay"), new Uri(pay));
        foreach (var kind in new[] { "Check", "Pay", "Fail", "Refund", "Recurrent", "Confirm", "Cancel" })
            Assert.Single(webhooks, w => w!["notifications"]!.AsArray().Any(n => n!.GetValue<string>() == kind)
                                         && w["url"]!.GetValue<string>().EndsWith($"/{kind.ToLowerInvariant()}", StringComparison.Ordinal));

        // A provider whose cabinet holds another secret: the signature does not match.
        var body = Fixtures.Bytes("cloudpayments/pay.form-urlencoded.cloud_payments-gem-hmac-vector.txt");
        Assert.Equal(HttpStatusCode.Unauthorized, (await PayAsync(ngo, body, "the-secret-of-another-shop")).StatusCode);
        var refused = await HealthWhenAsync(ngo, h => h["lastRefused"] is JsonObject, "the wrongly signed Pay shows as refused");
        Assert.Equal("signature", refused["lastRefused"]!.Str("code"));
        Assert.Contains("signature does not match: check the API secret", refused["lastRefused"]!.Str("reason"));
        Assert.Equal(401, refused["lastRefused"]!["status"]!.GetValue<int>());
        Assert.Null(refused["lastAcceptedAt"]);

        // Fixed: the same notification, signed with the secret saved here, is accepted.
        var sent = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await PayAsync(ngo, body, ApiSecret)).StatusCode);
        var accepted = await HealthWhenAsync(ngo, h => h["lastAcceptedAt"] is not null, "the signed Pay shows as accepted");
        Assert.InRange(accepted["lastAcceptedAt"]!.GetValue<DateTimeOffset>(), sent.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        // An amount that is not a number: refused, naming the field.
        var unreadable = Encoding.UTF8.GetBytes("TransactionId=777&Amount=twelve&Currency=RUB&DateTime=2026-11-30+10%3a00%3a00&Status=Completed");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await PayAsync(ngo, unreadable, ApiSecret)).StatusCode);
        var after = await HealthWhenAsync(ngo, h => h["lastRefused"]?["code"]?.GetValue<string>() == "unreadable", "the unreadable Pay shows as refused");
        Assert.Contains("'Amount'", after["lastRefused"]!.Str("reason"));

        // Per day: one accepted, two refused, all today (UTC).
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var day = after["days"]!.AsArray().Single()!;
        Assert.InRange(DateOnly.Parse(day.Str("day")), today.AddDays(-1), today); // a run across midnight
        Assert.Equal((1L, 2L), (Sum(after, "accepted"), Sum(after, "refused")));

        // Another NGO sees nothing of it, and cannot read this one's.
        var others = (await ProviderAsync(other, "cloudpayments"))["health"]!;
        Assert.Null(others["lastAcceptedAt"]);
        Assert.Null(others["lastRefused"]);
        Assert.Empty(others["days"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Ingestion.GetAsync($"/api/ngos/{ngo.NgoId}/providers")).StatusCode);
        using var viewer = system.Client(system.Ingestion, ngo.ViewerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/api/ngos/{ngo.NgoId}/providers")).StatusCode);
    }

    [Fact]
    public async Task YooKassa_refusals_say_whether_the_provider_is_not_set_up_the_shop_is_another_or_the_address_is_outside_and_a_made_up_NGO_is_counted_nowhere()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var body = Encoding.UTF8.GetBytes("""{"type":"notification","event":"payment.succeeded","object":{"id":"p-1"}}""");
        Assert.Equal(HttpStatusCode.NotFound, (await ngo.PostRawAsync($"/webhooks/yookassa/{ngo.NgoId}", body, "application/json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ngo.PostRawAsync("/webhooks/yookassa/no-such-ngo-4711", body, "application/json")).StatusCode);

        JsonNode yookassa = null!;
        await Eventually.Async(async () => (yookassa = await HealthAsync(ngo, "yookassa"))["lastRefused"] is JsonObject,
            "the delivery to an unconfigured provider shows", seconds: 60);
        Assert.Equal("not-configured", yookassa["lastRefused"]!.Str("code"));
        Assert.Equal((0L, 1L), (Sum(yookassa.AsObject(), "accepted"), Sum(yookassa.AsObject(), "refused")));

        // Set up for shop 123456 (from this machine's address): a payment to another shop is refused as such ...
        await ngo.ConfigureAsync("yookassa", new { allowedNetworks = new[] { "127.0.0.1/32", "::1/128" }, shopId = "123456" });
        var otherShop = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["type"] = "notification", ["event"] = "payment.succeeded",
            ["object"] = new JsonObject
            {
                ["id"] = "p-2", ["status"] = "succeeded", ["amount"] = new JsonObject { ["value"] = "10.00", ["currency"] = "RUB" },
                ["recipient"] = new JsonObject { ["account_id"] = "654321" }, ["created_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
            },
        }.ToJsonString());
        Assert.Equal(HttpStatusCode.Forbidden, (await ngo.PostRawAsync($"/webhooks/yookassa/{ngo.NgoId}", otherShop, "application/json")).StatusCode);
        await Eventually.Async(async () => (yookassa = await HealthAsync(ngo, "yookassa"))["lastRefused"]?["code"]?.GetValue<string>() == "unknown-shop",
            "the payment to another shop shows as refused", seconds: 60);
        Assert.Contains("unknown shop id", yookassa["lastRefused"]!.Str("reason"));

        // ... and with YooKassa's own networks only, a notification from elsewhere is refused for its address.
        await ngo.ConfigureAsync("yookassa", new { shopId = "123456" });
        Assert.Equal(HttpStatusCode.Forbidden, (await ngo.PostRawAsync($"/webhooks/yookassa/{ngo.NgoId}", otherShop, "application/json")).StatusCode);
        await Eventually.Async(async () => (yookassa = await HealthAsync(ngo, "yookassa"))["lastRefused"]?["code"]?.GetValue<string>() == "wrong-source",
            "the notification from outside YooKassa's networks shows as refused", seconds: 60);
        Assert.Equal((0L, 3L), (Sum(yookassa.AsObject(), "accepted"), Sum(yookassa.AsObject(), "refused")));

        // Counts are keyed by the NGO the gate found; the made-up id left no row.
        var rows = await system.QuerySqlAsync("ingestion", "select count(*) from callback_days where ngo_id = $1", "no-such-ngo-4711");
        Assert.Equal("0", rows.Single());
    }
}
