using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>One NGO's point of view on the running system: its keys, and the calls a person or a provider makes.</summary>
public sealed class Scenario(DonationsSystem system, string ngoId, string managerKey, string viewerKey)
{
    public const string GenericSecret = "generic-webhook-secret-0123456789";
    public const string Browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

    public string NgoId { get; } = ngoId;
    public string ManagerKey { get; } = managerKey;
    public string ViewerKey { get; } = viewerKey;
    public HttpClient Ingestion { get; } = system.Client(system.Ingestion, managerKey);
    public HttpClient Reporting { get; } = system.Client(system.Reporting, viewerKey);
    private readonly HttpClient _attributionViewer = system.Client(system.Attribution, viewerKey);
    private readonly HttpClient _attributionManager = system.Client(system.Attribution, managerKey);

    public HttpClient Attribution(bool manager = false) => manager ? _attributionManager : _attributionViewer;

    /// <summary>A new NGO with the generic provider configured, readable in Reporting.</summary>
    public static async Task<Scenario> NewNgoAsync(DonationsSystem system, string? timeZone = null)
    {
        var id = $"ngo-{Guid.NewGuid():N}"[..20];
        using var admin = system.Client(system.Ingestion, DonationsSystem.AdminKey);
        var created = await admin.PostAsJsonAsync("/api/ngos", new { id, name = "Помощь детям", verified = true, timeZone });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var keys = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var scenario = new Scenario(system, id, keys["managerKey"]!.GetValue<string>(), keys["viewerKey"]!.GetValue<string>());

        var provider = await scenario.Ingestion.PutAsJsonAsync($"/api/ngos/{id}/providers/generic", new { secret = GenericSecret });
        Assert.Equal(HttpStatusCode.OK, provider.StatusCode);
        // Reporting and Attribution learn the keys from Ingestion's events.
        await Eventually.Async(async () => (await scenario.Reporting.GetAsync($"/api/ngos/{id}/reports/summary")).StatusCode == HttpStatusCode.OK
                                           && (await scenario.Attribution().GetAsync($"/api/ngos/{id}/attribution-settings")).StatusCode == HttpStatusCode.OK,
            "the keys reach Reporting and Attribution");
        return scenario;
    }

    /// <summary>Registers the post, and its campaign and fundraiser first when this NGO does not have them yet.</summary>
    public async Task<string> RegisterPostAsync(string postId, string campaignId, string? fundraiserId = null)
    {
        var campaign = await Ingestion.PostAsJsonAsync($"/api/ngos/{NgoId}/campaigns",
            new { id = campaignId, name = $"Кампания {campaignId}", startsAt = DateTimeOffset.UtcNow.AddDays(-30) });
        Assert.True(campaign.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        if (fundraiserId is not null)
        {
            var fundraiser = await Ingestion.PostAsJsonAsync($"/api/ngos/{NgoId}/fundraisers", new
            {
                id = fundraiserId, campaignId, title = $"Сбор {fundraiserId}", goal = new { amountMinor = 100_000_00, currency = "RUB" },
                deadline = DateTimeOffset.UtcNow.AddDays(30),
            });
            Assert.True(fundraiser.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        }
        var response = await Ingestion.PostAsJsonAsync($"/api/ngos/{NgoId}/posts", new { id = postId, campaignId, fundraiserId, publishedAt = DateTimeOffset.UtcNow.AddDays(-1) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["postId"]!.GetValue<string>();
    }

    public async Task<string> CreateLinkAsync(string postId, string targetUrl = "https://pay.example.org/give?lang=ru")
    {
        var response = await Ingestion.PostAsJsonAsync($"/api/ngos/{NgoId}/links", new { postId, targetUrl });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>();
    }

    /// <summary>Follows a tracked link as a browser would and returns the redirect.</summary>
    public async Task<HttpResponseMessage> FollowAsync(string code, string userAgent = Browser, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/r/{code}");
        request.Headers.UserAgent.ParseAdd(userAgent);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return await Ingestion.SendAsync(request);
    }

    /// <summary>A person following one link, then others with the visitor cookie the first gave them.</summary>
    public async Task<(string ClickId, string Cookie)> FirstVisitAsync(string code)
    {
        var response = await FollowAsync(code);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dvid=", StringComparison.Ordinal)).Split(';')[0];
        return (System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query)["click_id"]!, cookie);
    }

    public async Task<string> ClickAsync(string code, string userAgent = Browser, string? cookie = null)
    {
        var response = await FollowAsync(code, userAgent, cookie);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        return query["click_id"]!;
    }

    public static string DonationBody(
        string txId, long amountMinor, string? clickId = null, string currency = "RUB", string? fundraiserId = null, string? subscriptionId = null,
        DateTimeOffset? occurredAt = null, string? donorId = null, string? email = null) =>
        JsonSerializer.Serialize(new
        {
            type = "donation.succeeded", id = txId, amountMinor, currency, occurredAt = occurredAt ?? DateTimeOffset.UtcNow, clickId, fundraiserId,
            subscriptionId, donor = new { id = donorId, email },
        });

    public static string RefundBody(string refundTxId, string refundOf, long amountMinor, string currency = "RUB") =>
        JsonSerializer.Serialize(new { type = "donation.refunded", id = refundTxId, refundOf, amountMinor, currency, occurredAt = DateTimeOffset.UtcNow.AddSeconds(-1) });

    /// <summary>Posts a generic webhook signed with the NGO's secret, as a payment page would.</summary>
    public Task<HttpResponseMessage> PostGenericAsync(string body, string? signature = null, long? timestamp = null, string? ngo = null)
    {
        var t = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/generic/{ngo ?? NgoId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Donations-Signature", signature ?? $"t={t},v1={Sign(GenericSecret, t, body)}");
        return Ingestion.SendAsync(request);
    }

    /// <summary>The manager changes the attribution settings; the answer is 202 with the replay's progress.</summary>
    public async Task<JsonObject> ChangeSettingsAsync(string model, int lookbackDays)
    {
        var response = await Attribution(manager: true).PutAsJsonAsync($"/api/ngos/{NgoId}/attribution-settings", new { model, lookbackDays });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task ConfigureAsync(string provider, object settings)
    {
        var response = await Ingestion.PutAsJsonAsync($"/api/ngos/{NgoId}/providers/{provider}", settings);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Posts raw bytes exactly as a provider would, with the given headers.</summary>
    public Task<HttpResponseMessage> PostRawAsync(string path, byte[] body, string contentType, params (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return Ingestion.SendAsync(request);
    }

    public static string Sign(string secret, long t, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));

    /// <summary>No donation with this transaction id, once a later donation has passed through every service.</summary>
    public async Task AssertNoDonationAsync(string provider, string providerTxId)
    {
        var sentinel = $"tx-sentinel-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await PostGenericAsync(DonationBody(sentinel, 1))).StatusCode);
        await DonationAsync(sentinel);
        Assert.Empty((await Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{NgoId}/donations?provider={provider}&providerTxId={providerTxId}"))!);
    }

    public async Task<JsonObject?> RubSummaryAsync()
    {
        var summary = await Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{NgoId}/reports/summary");
        return summary!["currencies"]!.AsArray().Select(c => c!.AsObject()).SingleOrDefault(c => c["currency"]!.GetValue<string>() == "RUB");
    }

    /// <summary>
    /// Waits until Reporting shows the donation with this transaction id, and, when <paramref name="settled"/> is
    /// given, until its attribution says that (a click and its donation travel separately, so a first revision
    /// may still be replaced).
    /// </summary>
    public Task<JsonObject> DonationAsync(string providerTxId, string? settled = null) =>
        DonationWhenAsync(providerTxId, d => settled is null || settled == (d["attribution"]!["reason"] ?? d["attribution"]!["status"])!.GetValue<string>(),
            settled is null ? "" : $" as '{settled}'");

    /// <summary>Waits until Reporting shows the donation with this transaction id in a state that satisfies <paramref name="until"/>.</summary>
    public async Task<JsonObject> DonationWhenAsync(string providerTxId, Func<JsonObject, bool> until, string what = "", string provider = "generic")
    {
        JsonObject? found = null;
        await Eventually.Async(async () =>
        {
            var list = await Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{NgoId}/donations?provider={provider}&providerTxId={providerTxId}");
            found = list!.SingleOrDefault()?.AsObject();
            return found is not null && until(found);
        }, $"donation {providerTxId} reaches Reporting{what}");
        return found!;
    }

    public async Task<IReadOnlyList<JsonNode?>> DonationsWithTxAsync(string providerTxId) =>
        (await Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{NgoId}/donations?provider=generic&providerTxId={providerTxId}"))!.ToList();
}

public static class Eventually
{
    /// <summary>Waits for asynchronous processing; the limit is generous because it is not a speed check.</summary>
    public static async Task Async(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"Timed out waiting until {what}.");
    }
}
