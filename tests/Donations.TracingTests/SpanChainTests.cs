extern alias ingestion;
extern alias attribution;
extern alias reporting;

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Donations.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Trace;

namespace Donations.TracingTests;

/// <summary>
/// One trace per donation: the three services run in this process against the real PostgreSQL and RabbitMQ, every
/// span goes to one in-memory exporter, and the webhook's trace must reach Attribution's and Reporting's consumers.
/// </summary>
public sealed class SpanChainTests : IAsyncLifetime
{
    private const string Secret = "tracing-generic-secret-0123456789";
    private readonly string _run = $"trace{DateTime.UtcNow:MMddHHmmss}{Random.Shared.Next(1000, 9999)}";
    private readonly LockedSpans _spans = new();
    private readonly HttpClient _management = new() { BaseAddress = new Uri($"http://{LocalSystem.RabbitHost}:15672/api/") };
    private WebApplicationFactory<ingestion::Program> _ingestion = null!;
    private WebApplicationFactory<attribution::Program> _attribution = null!;
    private WebApplicationFactory<reporting::Program> _reporting = null!;

    public async Task InitializeAsync()
    {
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        (await _management.PutAsync($"vhosts/{_run}", null)).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"permissions/{_run}/guest", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        _ingestion = Configure(new WebApplicationFactory<ingestion::Program>(), "ingestion");
        _attribution = Configure(new WebApplicationFactory<attribution::Program>(), "attribution");
        _reporting = Configure(new WebApplicationFactory<reporting::Program>(), "reporting");
        _ = _attribution.Server; // start the consumers before anything is forwarded
        _ = _reporting.Server;
    }

    private WebApplicationFactory<T> Configure<T>(WebApplicationFactory<T> factory, string service) where T : class =>
        factory.WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:postgres", LocalSystem.Postgres);
            host.UseSetting("ConnectionStrings:rabbitmq", $"amqp://guest:guest@{LocalSystem.RabbitHost}:5672/{_run}");
            host.UseSetting("Marten:Schema", $"{service}_{_run}");
            host.UseSetting("DONATIONS_ADMIN_KEY", LocalSystem.AdminKey);
            host.ConfigureServices(services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(_spans)));
        });

    [Fact]
    public async Task A_webhooks_trace_runs_through_the_event_store_the_broker_attribution_and_reporting()
    {
        using var admin = _ingestion.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LocalSystem.AdminKey);
        var ngo = $"ngo-{Guid.NewGuid():N}"[..20];
        var keys = (await (await admin.PostAsJsonAsync("/api/ngos", new { id = ngo, name = "Trace" })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
        using var manager = _ingestion.CreateClient();
        manager.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", keys["managerKey"]!.GetValue<string>());
        (await manager.PutAsJsonAsync($"/api/ngos/{ngo}/providers/generic", new { secret = Secret })).EnsureSuccessStatusCode();
        using var viewer = _reporting.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", keys["viewerKey"]!.GetValue<string>());

        var body = JsonSerializer.Serialize(new { type = "donation.succeeded", id = "tx-traced", amountMinor = 100_00, currency = "RUB", occurredAt = DateTimeOffset.UtcNow });
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
        using var webhook = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/generic/{ngo}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        webhook.Headers.Add("Donations-Signature", $"t={t},v1={signature}");
        (await _ingestion.CreateClient().SendAsync(webhook)).EnsureSuccessStatusCode();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var found = await viewer.GetAsync($"/api/ngos/{ngo}/donations?providerTxId=tx-traced");
            if (found.IsSuccessStatusCode && (await found.Content.ReadFromJsonAsync<JsonArray>())!.Count == 1) break;
            await Task.Delay(200);
        }
        await Task.Delay(500); // the last consumer span ends just after its commit

        Activity[] spans;
        spans = _spans.Snapshot().DistinctBy(s => s.SpanId).ToArray();
        var root = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/webhooks/generic", StringComparison.Ordinal));
        var trace = spans.Where(s => s.TraceId == root.TraceId).ToList();
        var names = string.Join("\n", trace.Select(s => $"{s.Source.Name}: {s.DisplayName}"));
        string[] chain =
        [
            "forward donation_received", "Donations.Contracts.Ingestion:DonationReceived send", "attribution-ledger process",
            "forward donation_attributed", "Donations.Contracts.Attribution:DonationAttributed send", "reporting-ledger-ordered process",
        ];
        foreach (var link in chain) Assert.True(trace.Any(s => s.DisplayName == link), $"'{link}' is not in the webhook's trace:\n{names}");
        // Every span of the chain hangs from another span of the same trace: the chain is unbroken.
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace.Where(s => s != root), s => Assert.Contains(s.ParentSpanId, ids));
    }

    public async Task DisposeAsync()
    {
        await _ingestion.DisposeAsync();
        await _attribution.DisposeAsync();
        await _reporting.DisposeAsync();
        await _management.DeleteAsync($"vhosts/{_run}");
        await using var connection = new NpgsqlConnection(LocalSystem.Postgres);
        await connection.OpenAsync();
        foreach (var service in new[] { "ingestion", "attribution", "reporting" })
            await new NpgsqlCommand($"DROP SCHEMA IF EXISTS {service}_{_run} CASCADE", connection).ExecuteNonQueryAsync();
    }
}

/// <summary>The exporter adds spans from the services' threads while the test reads them: every access takes the lock.</summary>
internal sealed class LockedSpans : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    public Activity[] Snapshot() { lock (_spans) return [.. _spans]; }
    public void Add(Activity item) { lock (_spans) _spans.Add(item); }
    public void Clear() { lock (_spans) _spans.Clear(); }
    public bool Contains(Activity item) { lock (_spans) return _spans.Contains(item); }
    public void CopyTo(Activity[] array, int arrayIndex) { lock (_spans) _spans.CopyTo(array, arrayIndex); }
    public bool Remove(Activity item) { lock (_spans) return _spans.Remove(item); }
    public int Count { get { lock (_spans) return _spans.Count; } }
    public bool IsReadOnly => false;
    public IEnumerator<Activity> GetEnumerator() => ((IEnumerable<Activity>)Snapshot()).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
