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

    /// <summary>A new NGO with the generic provider configured, readable in Reporting.</summary>
    public static async Task<Scenario> NewNgoAsync(DonationsSystem system)
    {
        var id = $"ngo-{Guid.NewGuid():N}"[..20];
        using var admin = system.Client(system.Ingestion, DonationsSystem.AdminKey);
        var created = await admin.PostAsJsonAsync("/api/ngos", new { id, name = "Помощь детям", verified = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var keys = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var scenario = new Scenario(system, id, keys["managerKey"]!.GetValue<string>(), keys["viewerKey"]!.GetValue<string>());

        var provider = await scenario.Ingestion.PutAsJsonAsync($"/api/ngos/{id}/providers/generic", new { secret = GenericSecret });
        Assert.Equal(HttpStatusCode.OK, provider.StatusCode);
        // Reporting learns the keys from Ingestion's events.
        await Eventually.Async(async () => (await scenario.Reporting.GetAsync($"/api/ngos/{id}/reports/summary")).StatusCode == HttpStatusCode.OK,
            "the viewer key reaches Reporting");
        return scenario;
    }

    public async Task<string> RegisterPostAsync(string postId, string campaignId, string? fundraiserId = null)
    {
        var response = await Ingestion.PostAsJsonAsync($"/api/ngos/{NgoId}/posts", new { id = postId, campaignId, fundraiserId, publishedAt = DateTimeOffset.UtcNow.AddDays(-1) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
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

    public async Task<string> ClickAsync(string code, string userAgent = Browser)
    {
        var response = await FollowAsync(code, userAgent);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        return query["click_id"]!;
    }

    public static string DonationBody(string txId, long amountMinor, string? clickId = null, string currency = "RUB", string? fundraiserId = null) =>
        JsonSerializer.Serialize(new
        {
            type = "donation.succeeded", id = txId, amountMinor, currency, occurredAt = DateTimeOffset.UtcNow.AddSeconds(-5), clickId, fundraiserId,
            donor = new { email = "donor@example.org" },
        });

    /// <summary>Posts a generic webhook signed with the NGO's secret, as a payment page would.</summary>
    public Task<HttpResponseMessage> PostGenericAsync(string body, string? signature = null, long? timestamp = null, string? ngo = null)
    {
        var t = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/generic/{ngo ?? NgoId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Donations-Signature", signature ?? $"t={t},v1={Sign(GenericSecret, t, body)}");
        return Ingestion.SendAsync(request);
    }

    public static string Sign(string secret, long t, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));

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
    public async Task<JsonObject> DonationAsync(string providerTxId, string? settled = null)
    {
        JsonObject? found = null;
        await Eventually.Async(async () =>
        {
            var list = await Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{NgoId}/donations?provider=generic&providerTxId={providerTxId}");
            found = list!.SingleOrDefault()?.AsObject();
            var attribution = found?["attribution"];
            return attribution is not null && (settled is null || settled == (attribution["reason"] ?? attribution["status"])!.GetValue<string>());
        }, $"donation {providerTxId} reaches Reporting{(settled is null ? "" : $" as '{settled}'")}");
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
