using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Testing;

namespace Donations.LoadTests;

/// <summary>
/// Signed generic webhooks and tracked-link redirects against the running system, once with every request in its
/// own transaction and once with group commit, in the same run on the same machine.
/// </summary>
public static class IngestBenchmark
{
    public const long VkGroupId = 4321;

    /// <summary>The secret of every provider the load tools configure (generic, CloudPayments' API secret, VK's callback secret).</summary>
    public const string Secret = "benchmark-generic-secret-0123456789";

    public static async Task<IReadOnlyList<Result>> RunAsync(int clients, TimeSpan duration)
    {
        var results = new List<Result>
        {
            await Baselines.OneRowPerTransactionAsync(duration),
            await Baselines.PersistentPublishWithConfirmsAsync(duration),
            await IntakeBenchmark.RunAsync(grouped: false, clients, duration),
            await IntakeBenchmark.RunAsync(grouped: true, clients, duration),
        };
        foreach (var grouped in new[] { false, true })
        {
            var mode = grouped ? "group commit" : "one transaction per request";
            Console.Error.WriteLine($"Starting the system ({mode})…");
            await using var system = await LocalSystem.StartAsync(Path.Combine(AppContext.BaseDirectory, "logs"),
                new Dictionary<string, string> { ["Donations__GroupCommit"] = grouped ? "true" : "false", ["Logging__LogLevel__Default"] = "Warning" });
            var (ngo, code, _) = await SetUpAsync(system);
            using var http = system.Client(system.Ingestion, connections: clients);

            var webhooks = await Measure.ConcurrentlyAsync($"webhooks, {mode}, {clients} clients", clients, duration, async (client, n) =>
            {
                using var request = Traffic.GenericWebhook(ngo, new
                {
                    type = "donation.succeeded", id = $"bench-{client}-{n}", amountMinor = 150_00, currency = "RUB", occurredAt = DateTimeOffset.UtcNow,
                })();
                using var response = await http.SendAsync(request);
                return response.StatusCode == HttpStatusCode.OK;
            });
            results.Add(webhooks);

            // How long the accepted webhooks took to reach the reports, from Reporting's own histogram, once every one
            // of them has (or two minutes have passed): under this overload it is mostly time spent queued.
            using var scrape = new HttpClient();
            var metrics = "";
            var drained = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow < drained && Prometheus.Count(metrics = await scrape.GetStringAsync(new Uri(system.Reporting.BaseAddress, "/metrics")), "donations_attribution_lag") < webhooks.Count)
                await Task.Delay(1000);
            var observed = Prometheus.Count(metrics, "donations_attribution_lag");
            results.Add(new Result($"end-to-end lag, webhook accepted → report ({observed:N0} of {webhooks.Count:N0}), {mode}", observed, duration,
                Prometheus.Quantile(metrics, "donations_attribution_lag", 0.50), Prometheus.Quantile(metrics, "donations_attribution_lag", 0.99), 0));

            results.Add(await Measure.ConcurrentlyAsync($"redirects, {mode}, {clients} clients", clients, duration, async (_, _) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/r/{code}");
                request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36");
                using var response = await http.SendAsync(request);
                return response.StatusCode == HttpStatusCode.Redirect;
            }));
            Console.Error.WriteLine($"  peak RSS ({mode}): Ingestion {system.Ingestion.PeakRssMiB():N0} MiB, Attribution {system.Attribution.PeakRssMiB():N0} MiB, " +
                                    $"Reporting {system.Reporting.PeakRssMiB():N0} MiB");
        }
        return results;
    }

    /// <summary>An NGO with the generic provider (<see cref="Secret"/>), a campaign, a post and a tracked link.</summary>
    public static async Task<(string Ngo, string Code, string ViewerKey)> SetUpAsync(LocalSystem system)
    {
        var ngo = $"bench-{Guid.NewGuid():N}"[..20];
        using var admin = system.Client(system.Ingestion, LocalSystem.AdminKey);
        var keys = (await (await admin.PostAsJsonAsync("/api/ngos", new { id = ngo, name = "Benchmark" })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
        using var manager = system.Client(system.Ingestion, keys["managerKey"]!.GetValue<string>());
        (await manager.PutAsJsonAsync($"/api/ngos/{ngo}/providers/generic", new { secret = Secret })).EnsureSuccessStatusCode();
        (await manager.PutAsJsonAsync($"/api/ngos/{ngo}/providers/cloudpayments", new { apiSecret = Secret })).EnsureSuccessStatusCode();
        (await manager.PutAsJsonAsync($"/api/ngos/{ngo}/providers/yookassa", new { allowedNetworks = new[] { "127.0.0.1/32" } })).EnsureSuccessStatusCode();
        (await manager.PutAsJsonAsync($"/api/ngos/{ngo}/providers/vk", new { groupId = VkGroupId, secret = Secret, confirmation = "load" })).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"/api/ngos/{ngo}/campaigns", new { id = "bench", name = "Bench", startsAt = DateTimeOffset.UtcNow })).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"/api/ngos/{ngo}/posts", new { id = "wall-1_1", campaignId = "bench" })).EnsureSuccessStatusCode();
        var link = (await (await manager.PostAsJsonAsync($"/api/ngos/{ngo}/links", new { postId = "wall-1_1", targetUrl = "https://pay.example.org/" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
        return (ngo, link["code"]!.GetValue<string>(), keys["viewerKey"]!.GetValue<string>());
    }
}
