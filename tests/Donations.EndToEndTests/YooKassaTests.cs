using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>YooKassa notifications: source networks, money events, and confirmation against a stand-in of its API.</summary>
[Collection(SystemCollection.Name)]
public class YooKassaTests(DonationsSystem system)
{
    private static Task<Scenario> NgoAsync(DonationsSystem system, object settings) => Scenario.NewNgoAsync(system).ContinueWith(async t =>
    {
        await t.Result.ConfigureAsync("yookassa", settings);
        return t.Result;
    }).Unwrap();

    private static readonly object Loopback = new { allowedNetworks = new[] { "127.0.0.1/32", "::1/128" } };

    private static byte[] Notification(string @event, string id, string value, string? paymentId = null, string? clickId = null, string shop = FakeYooKassa.ShopId) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["type"] = "notification", ["event"] = @event,
            ["object"] = new JsonObject
            {
                ["id"] = id, ["status"] = "succeeded", ["paid"] = true, ["payment_id"] = paymentId,
                ["amount"] = new JsonObject { ["value"] = value, ["currency"] = "RUB" },
                ["income_amount"] = new JsonObject { ["value"] = value, ["currency"] = "RUB" },
                ["recipient"] = new JsonObject { ["account_id"] = shop, ["gateway_id"] = "1" },
                ["created_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), ["metadata"] = new JsonObject { ["click_id"] = clickId },
            },
        }.ToJsonString());

    private static Task<HttpResponseMessage> Post(Scenario ngo, byte[] body, params (string, string)[] headers) =>
        ngo.PostRawAsync($"/webhooks/yookassa/{ngo.NgoId}", body, "application/json", headers);

    [Fact]
    public async Task Payments_refunds_and_cancellations_from_an_allowed_network()
    {
        var ngo = await NgoAsync(system, Loopback);
        var clickId = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-9001_1", "spring")));

        Assert.Equal(HttpStatusCode.OK, (await Post(ngo, Notification("payment.succeeded", "2d1f0001-000f-5000-8000-1a2b3c4d5e6f", "300.00", clickId: clickId))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(ngo, Notification("payment.succeeded", "2d1f0001-000f-5000-8000-1a2b3c4d5e6f", "300.00", clickId: clickId))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(ngo, Notification("refund.succeeded", "rf-2d1f", "100.00", paymentId: "2d1f0001-000f-5000-8000-1a2b3c4d5e6f"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(ngo, Notification("payment.canceled", "2d1f0002", "50.00"))).StatusCode);
        var waiting = await Post(ngo, Notification("payment.waiting_for_capture", "2d1f0003", "70.00"));
        Assert.Equal("ignored", (await waiting.Content.ReadFromJsonAsync<JsonObject>())!.Str("status"));

        // The click travels apart from the payment: wait for its credit as well as the refund.
        var donation = await ngo.DonationWhenAsync("2d1f0001-000f-5000-8000-1a2b3c4d5e6f", d => d.Long("refundedMinor") > 0 && d.Credits().Count == 1, provider: "yookassa");
        Assert.Equal((300_00L, 100_00L, 200_00L), (donation.Long("amountMinor"), donation.Long("refundedMinor"), Assert.Single(donation.Credits())!.Long("amountMinor")));
        await ngo.AssertNoDonationAsync("yookassa", "2d1f0002");
        await ngo.AssertNoDonationAsync("yookassa", "2d1f0003");
    }

    [Fact]
    public async Task Only_yookassas_networks_by_default_and_forwarded_for_never_from_a_peer_that_is_not_a_trusted_proxy()
    {
        var byDefault = await NgoAsync(system, new { });
        var refused = await Post(byDefault, Notification("payment.succeeded", "pay-from-loopback", "10.00"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var spoofed = await Post(byDefault, Notification("payment.succeeded", "pay-spoofed", "10.00"), ("X-Forwarded-For", "185.71.76.5"));
        Assert.Equal(HttpStatusCode.Forbidden, spoofed.StatusCode);
        await byDefault.AssertNoDonationAsync("yookassa", "pay-from-loopback");
        await byDefault.AssertNoDonationAsync("yookassa", "pay-spoofed");

        // Which proxies to trust is the operator's setting now (Donations__TrustedProxyNetworks, see ProxyTests), not an NGO's.
        var retired = await byDefault.Ingestion.PutAsJsonAsync($"/api/ngos/{byDefault.NgoId}/providers/yookassa", new { trustedProxies = new[] { "0.0.0.0/0" } });
        Assert.Equal(HttpStatusCode.BadRequest, retired.StatusCode);
        Assert.Contains("'trustedProxies'", (await retired.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail"));
    }

    [Fact]
    public async Task With_api_credentials_each_payment_is_confirmed_with_yookassa_and_a_contradicted_one_is_refused()
    {
        var ngo = await NgoAsync(system, new
        {
            allowedNetworks = new[] { "127.0.0.1/32", "::1/128" }, shopId = FakeYooKassa.ShopId, secretKey = FakeYooKassa.SecretKey,
        });
        system.YooKassa.Knows("pay-confirmed", "250.00");
        system.YooKassa.Knows("pay-wrong-amount", "1.00");
        system.YooKassa.Knows("pay-flaky", "75.00");
        system.YooKassa.FailsFirst("pay-flaky", 2);

        Assert.Equal(HttpStatusCode.OK, (await Post(ngo, Notification("payment.succeeded", "pay-confirmed", "250.00"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Post(ngo, Notification("payment.succeeded", "pay-forged", "999.00"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Post(ngo, Notification("payment.succeeded", "pay-wrong-amount", "999.00"))).StatusCode);
        // YooKassa's API fails twice: retried inside the 3 s deadline, or — on a busy machine, where attempts time out and
        // the circuit breaker opens — answered 503 with Retry-After and redelivered then, as YooKassa does with every
        // answer that is not 2xx. Either way it is confirmed and stored once.
        HttpResponseMessage answer;
        for (var delivery = 1; ; delivery++)
        {
            answer = await Post(ngo, Notification("payment.succeeded", "pay-flaky", "75.00"));
            if (answer.StatusCode != HttpStatusCode.ServiceUnavailable || delivery == 6) break;
            await Task.Delay(answer.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5));
        }
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True(system.YooKassa.Requests["pay-flaky"] >= 3, "the two failures were retried");

        await ngo.DonationWhenAsync("pay-confirmed", _ => true, provider: "yookassa");
        await ngo.DonationWhenAsync("pay-flaky", _ => true, provider: "yookassa");
        await ngo.AssertNoDonationAsync("yookassa", "pay-forged");
        await ngo.AssertNoDonationAsync("yookassa", "pay-wrong-amount");
    }

    [Fact]
    public async Task With_its_shop_set_an_ngo_takes_only_payments_to_that_shop_and_without_it_is_warned()
    {
        var unbound = await Scenario.NewNgoAsync(system);
        var answer = await unbound.Ingestion.PutAsJsonAsync($"/api/ngos/{unbound.NgoId}/providers/yookassa", Loopback);
        Assert.Contains("shopId", Assert.Single((await answer.Content.ReadFromJsonAsync<JsonObject>())!["warnings"]!.AsArray())!.GetValue<string>());

        var ngo = await NgoAsync(system, new { allowedNetworks = new[] { "127.0.0.1/32", "::1/128" }, shopId = "111222" });
        var foreign = await Post(ngo, Notification("payment.succeeded", "pay-other-shop", "500.00", shop: "999888"));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Contains("999888", (await foreign.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await Post(ngo, Notification("payment.succeeded", "pay-own-shop", "500.00", shop: "111222"))).StatusCode);

        await ngo.DonationWhenAsync("pay-own-shop", _ => true, provider: "yookassa");
        await ngo.AssertNoDonationAsync("yookassa", "pay-other-shop");
        var settings = await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/providers/yookassa", new { shopId = "111222" });
        Assert.Empty((await settings.Content.ReadFromJsonAsync<JsonObject>())!["warnings"]!.AsArray());
    }
}
