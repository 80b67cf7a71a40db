using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>
/// Behind a real reverse proxy (nginx on 127.0.0.2), the services see the real client: YooKassa's allow-list judges
/// the sender, a click is hashed as the visitor's address, the visitor cookie is <c>Secure</c> over HTTPS. A forged
/// <c>X-Forwarded-For</c> changes nothing, whether sent through the proxy or straight to the service.
/// </summary>
[Collection(EdgeCollection.Name)]
public class ProxyTests(EdgeSystem system)
{
    private const string Sender = "127.0.0.3";
    private const string Stranger = "127.0.0.4";

    private static HttpRequestMessage YooKassaNotification(string ngo, string id, params (string Name, string Value)[] headers)
    {
        var body = new JsonObject
        {
            ["type"] = "notification", ["event"] = "payment.succeeded",
            ["object"] = new JsonObject
            {
                ["id"] = id, ["status"] = "succeeded", ["paid"] = true, ["amount"] = new JsonObject { ["value"] = "150.00", ["currency"] = "RUB" },
                ["created_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
            },
        }.ToJsonString();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/yookassa/{ngo}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    [Fact]
    public async Task Yookassas_allow_list_sees_the_sender_behind_the_proxy_and_a_forged_forwarded_for_gets_nowhere()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ConfigureAsync("yookassa", new { allowedNetworks = new[] { $"{Sender}/32" } });
        using var sender = system.ThroughProxy(Sender);
        using var stranger = system.ThroughProxy(Stranger);
        using var direct = system.Direct(Stranger);

        var accepted = await sender.SendAsync(YooKassaNotification(ngo.NgoId, "yk-via-proxy"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        // Through the proxy, a stranger claiming the sender's address: nginx appends the stranger's own, and that is judged.
        var forgedThroughProxy = await stranger.SendAsync(YooKassaNotification(ngo.NgoId, "yk-forged-via-proxy", ("X-Forwarded-For", Sender)));
        Assert.Equal(HttpStatusCode.Forbidden, forgedThroughProxy.StatusCode);
        Assert.Contains(Stranger, (await forgedThroughProxy.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail"));

        // Straight to the service, past the proxy: an untrusted peer's forwarded headers are not read at all.
        var forgedDirect = await direct.SendAsync(YooKassaNotification(ngo.NgoId, "yk-forged-direct", ("X-Forwarded-For", Sender)));
        Assert.Equal(HttpStatusCode.Forbidden, forgedDirect.StatusCode);
        Assert.Contains(Stranger, (await forgedDirect.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail"));

        // Allowing the proxy's address no longer lets everyone behind the proxy in.
        var proxyOnly = await Scenario.NewNgoAsync(system);
        await proxyOnly.ConfigureAsync("yookassa", new { allowedNetworks = new[] { "127.0.0.2/32" } });
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.SendAsync(YooKassaNotification(proxyOnly.NgoId, "yk-proxy-allowed"))).StatusCode);

        await ngo.DonationWhenAsync("yk-via-proxy", _ => true, provider: "yookassa");
        await ngo.AssertNoDonationAsync("yookassa", "yk-forged-via-proxy");
        await ngo.AssertNoDonationAsync("yookassa", "yk-forged-direct");
        await proxyOnly.AssertNoDonationAsync("yookassa", "yk-proxy-allowed");
    }

    [Fact]
    public async Task A_click_through_the_proxy_is_hashed_as_the_visitors_address_and_over_https_its_cookie_is_secure()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-8101_1", "proxied"));
        using var overHttps = system.ThroughProxy(Sender);
        using var overHttp = system.ThroughProxy(Sender, https: false);
        using var direct = system.Direct(Stranger);

        var secure = await FollowAsync(overHttps, code);
        var plain = await FollowAsync(overHttp, code);
        // Straight to the service with forwarded headers of its own making: neither the address nor the scheme is believed.
        var forged = await FollowAsync(direct, code, ("X-Forwarded-For", Sender), ("X-Forwarded-Proto", "https"));

        Assert.Contains("secure", secure.Cookie.Split(';').Select(p => p.Trim().ToLowerInvariant()));
        Assert.DoesNotContain("secure", plain.Cookie.Split(';').Select(p => p.Trim().ToLowerInvariant()));
        Assert.DoesNotContain("secure", forged.Cookie.Split(';').Select(p => p.Trim().ToLowerInvariant()));
        Assert.Equal(EdgeSystem.IpHashOf(Sender), (await system.ClickEventAsync(secure.ClickId)).Str("ipHash"));
        Assert.Equal(EdgeSystem.IpHashOf(Sender), (await system.ClickEventAsync(plain.ClickId)).Str("ipHash"));
        Assert.Equal(EdgeSystem.IpHashOf(Stranger), (await system.ClickEventAsync(forged.ClickId)).Str("ipHash"));
        Assert.NotEqual(EdgeSystem.IpHashOf("127.0.0.2"), EdgeSystem.IpHashOf(Sender));
    }

    private static async Task<(string ClickId, string Cookie)> FollowAsync(HttpClient client, string code, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/r/{code}");
        request.Headers.UserAgent.ParseAdd(Scenario.Browser);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var clickId = System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query)["click_id"]!;
        return (clickId, response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dvid=", StringComparison.Ordinal)));
    }
}
