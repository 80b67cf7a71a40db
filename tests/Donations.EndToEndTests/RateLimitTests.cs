using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>
/// Abuse limits, with small limits over an hour-long window (<see cref="EdgeSystem"/>) so that no refill happens during a
/// test: the request past a limit gets 429 with <c>Retry-After</c> and a problem naming the limit, and is not stored;
/// another client, link, provider or NGO is not held back by it.
/// </summary>
[Collection(EdgeCollection.Name)]
public class RateLimitTests(EdgeSystem system)
{
    [Fact]
    public async Task Redirects_are_limited_per_visitor_address_behind_the_proxy_not_per_proxy()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-8201_1", "limits"));
        using var visitor = system.ThroughProxy("127.0.0.5");
        using var neighbour = system.ThroughProxy("127.0.0.6");

        for (var i = 0; i < EdgeSystem.RedirectsPerClient; i++) Assert.Equal(HttpStatusCode.Redirect, (await Follow(visitor, code)).StatusCode);
        var refused = await Follow(visitor, code);
        await AssertTooManyAsync(refused, $"{EdgeSystem.RedirectsPerClient} redirects from one address an hour");
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Redirect, (await Follow(neighbour, code)).StatusCode);

        Assert.Equal(EdgeSystem.RedirectsPerClient + 1, await ClicksStoredAsync(code));
    }

    [Fact]
    public async Task Redirects_are_limited_per_link()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var post = await ngo.RegisterPostAsync("wall-8201_2", "limits");
        var (busy, quiet) = (await ngo.CreateLinkAsync(post), await ngo.CreateLinkAsync(post));

        for (var i = 0; i < EdgeSystem.RedirectsPerLink; i++)
        {
            using var visitor = system.ThroughProxy($"127.0.1.{i + 1}");
            Assert.Equal(HttpStatusCode.Redirect, (await Follow(visitor, busy)).StatusCode);
        }
        using var late = system.ThroughProxy("127.0.1.100");
        await AssertTooManyAsync(await Follow(late, busy), $"{EdgeSystem.RedirectsPerLink} redirects of one link an hour");
        Assert.Equal(HttpStatusCode.Redirect, (await Follow(late, quiet)).StatusCode);

        Assert.Equal(EdgeSystem.RedirectsPerLink, await ClicksStoredAsync(busy));
    }

    [Fact]
    public async Task Webhooks_are_limited_per_ngo_and_provider()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var other = await Scenario.NewNgoAsync(system);
        await ngo.ConfigureAsync("yookassa", new { allowedNetworks = new[] { "127.0.0.0/8" } });

        for (var i = 0; i < EdgeSystem.WebhooksPerProvider; i++)
            Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody($"tx-limit-{i}", 100_00))).StatusCode);
        await AssertTooManyAsync(await ngo.PostGenericAsync(Scenario.DonationBody("tx-limit-over", 100_00)),
            $"{EdgeSystem.WebhooksPerProvider} webhooks from one provider for one NGO an hour");

        Assert.Equal(HttpStatusCode.OK, (await other.PostGenericAsync(Scenario.DonationBody("tx-limit-other-ngo", 100_00))).StatusCode);
        var yookassa = await ngo.PostRawAsync($"/webhooks/yookassa/{ngo.NgoId}", Encoding.UTF8.GetBytes(new JsonObject
        {
            ["type"] = "notification", ["event"] = "payment.succeeded",
            ["object"] = new JsonObject { ["id"] = "yk-limit-other-provider", ["amount"] = new JsonObject { ["value"] = "10.00", ["currency"] = "RUB" } },
        }.ToJsonString()), "application/json");
        Assert.Equal(HttpStatusCode.OK, yookassa.StatusCode);

        await other.DonationAsync("tx-limit-other-ngo");
        await ngo.DonationAsync($"tx-limit-{EdgeSystem.WebhooksPerProvider - 1}");
        Assert.Equal(["0"], await system.QuerySqlAsync("ingestion", "select count(*) from mt_events where data->>'providerTxId' = $1", "tx-limit-over"));
    }

    private static Task<HttpResponseMessage> Follow(HttpClient client, string code)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/r/{code}");
        request.Headers.UserAgent.ParseAdd(Scenario.Browser);
        return client.SendAsync(request);
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response, string rule)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero, $"Retry-After is {response.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail");
        Assert.Contains(rule, detail);
        Assert.Contains($"{retryAfter!.Value.TotalSeconds:0} s", detail);
    }

    private async Task<int> ClicksStoredAsync(string code) =>
        int.Parse((await system.QuerySqlAsync("ingestion", "select count(*) from mt_events where data->>'linkCode' = $1", code)).Single()!);
}
