using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Testing;

namespace Donations.EndToEndTests;

/// <summary>Two replicas of each service: the singleton work (reconciliation, re-attribution) runs on one at a time, and moves when it dies.</summary>
public class LeadershipTests : IAsyncLifetime
{
    private LocalSystem _system = null!;

    public async Task InitializeAsync() =>
        _system = await LocalSystem.StartAsync(Path.Combine(AppContext.BaseDirectory, "logs"), instances: 2,
            environment: new Dictionary<string, string> { ["Reconciliation__IntervalSeconds"] = "1" });

    public async Task DisposeAsync() => await _system.DisposeAsync();

    private async Task<bool?> LeadsAsync(ServiceProcess instance, string check)
    {
        using var http = _system.Client(instance);
        try
        {
            var health = await http.GetFromJsonAsync<JsonNode>("/health");
            return health!["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == check)!["data"]!["leader"]?.GetValue<bool>();
        }
        catch (HttpRequestException)
        {
            return null; // the instance is gone
        }
    }

    private async Task<ServiceProcess> SoleLeaderAsync(string service, string check)
    {
        ServiceProcess? leader = null;
        await Eventually.Async(async () =>
        {
            var leads = new List<ServiceProcess>();
            foreach (var instance in _system.Instances(service).Where(i => !i.HasExited))
                if (await LeadsAsync(instance, check) == true) leads.Add(instance);
            leader = leads.Count == 1 ? leads[0] : null;
            return leader is not null;
        }, $"exactly one {service} replica leads {check}");
        return leader!;
    }

    [Fact]
    public async Task One_replica_reconciles_and_one_replays_and_a_dead_leader_is_replaced()
    {
        await SoleLeaderAsync("Attribution", "reattribution");
        var reconciler = await SoleLeaderAsync("Reporting", "reconciliation");

        await reconciler.KillAsync();
        var successor = await SoleLeaderAsync("Reporting", "reconciliation");
        Assert.NotSame(reconciler, successor);

        // The replay still runs, wherever it leads: a settings change finishes.
        using var admin = _system.Client(_system.Ingestion, LocalSystem.AdminKey);
        var id = $"ngo-{Guid.NewGuid():N}"[..20];
        var keys = (await (await admin.PostAsJsonAsync("/api/ngos", new { id, name = "Двое", verified = true })).Content.ReadFromJsonAsync<JsonObject>())!;
        using var manager = _system.Client(_system.Attribution, keys["managerKey"]!.GetValue<string>());
        await Eventually.Async(async () =>
            (await manager.PutAsJsonAsync($"/api/ngos/{id}/attribution-settings", new { model = "linear", lookbackDays = 14 })).StatusCode == HttpStatusCode.Accepted,
            "the settings change is accepted once the keys reached Attribution");
        await Eventually.Async(async () =>
            (await manager.GetFromJsonAsync<JsonObject>($"/api/ngos/{id}/attribution-settings"))!["reattribution"]!["finishedAt"] is not null,
            "the replay finishes");
    }
}
