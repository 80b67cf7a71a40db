using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.ServiceDefaults.Storage;
using Donations.Testing;
using Npgsql;

namespace Donations.LoadTests;

/// <summary>
/// Faults under steady load (<see cref="Traffic"/>): after each, the suite stops the load, waits for the system to
/// settle and checks that every acknowledged payment and refund is in the reports exactly once (count and sums of
/// the summary against the client's ledger), that reconciliation is balanced, and that no message is left in any
/// queue but an <c>_error</c> queue. Needs root (it stops RabbitMQ and restarts PostgreSQL) and the Release build.
/// </summary>
public static class FaultSuite
{
    private static readonly TimeSpan SettleWithin = TimeSpan.FromMinutes(3);

    public sealed record Outcome(string Fault, bool Passed, double SettledSeconds, int Payments, long PaymentsMinor, long RefundsMinor,
        long ReportedDonations, long ReportedGross, long ReportedRefunded, string Reconciliation, long Stuck, long InErrorQueues, long Retries, long Rejected);

    /// <summary>
    /// With <paramref name="cluster"/>, the services use the three-node cluster of infra/rabbitmq-cluster.sh with quorum
    /// queues (run with DONATIONS_TEST_RABBITMQ_PORT=5681 and DONATIONS_TEST_RABBITMQ_MANAGEMENT_PORT=15683), and the
    /// broker fault is node a — the one every service connects to first — killed with SIGKILL under load.
    /// </summary>
    public static async Task<IReadOnlyList<Outcome>> RunAsync(int instances, TimeSpan loadPerFault, bool cluster)
    {
        Console.Error.WriteLine($"Starting the system, {instances} instance(s) of each service{(cluster ? ", three-node RabbitMQ cluster" : "")}…");
        var environment = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Warning",
            ["Reconciliation__GraceSeconds"] = "10",
            ["Reconciliation__IntervalSeconds"] = "5",
        };
        if (cluster)
        {
            environment["Messaging__ClusterNodes"] = "127.0.0.1:5681,127.0.0.1:5682,127.0.0.1:5683";
            environment["Messaging__QuorumQueues"] = "true";
        }
        // PostgreSQL's default max_connections is 100: every instance gets its share of the usual 24 connections per service.
        var postgres = new NpgsqlConnectionStringBuilder(LocalSystem.Postgres) { MaxPoolSize = MartenSetup.DefaultMaxPoolSize / instances }.ConnectionString;
        await using var system = await LocalSystem.StartAsync(Path.Combine(AppContext.BaseDirectory, "logs"), environment, postgres, instances);
        var (ngo, code, viewerKey) = await IngestBenchmark.SetUpAsync(system);
        using var reporting = system.Client(system.Reporting, viewerKey);
        using var management = LocalSystem.RabbitManagementClient();
        var traffic = new Traffic(system, ngo, code, system.Run);

        var faults = new (string Name, Func<Task> Inject)[]
        {
            ("none beyond the traffic's own: 30% of webhooks delivered 2–3× at once, refunds before payments", () => Task.CompletedTask),
            cluster
                ? ("RabbitMQ node a killed (kill -9), started again 30 s later", async () =>
                {
                    await ShAsync("bash", "infra/rabbitmq-cluster.sh", "kill", "a");
                    await Task.Delay(TimeSpan.FromSeconds(30));
                    await ShAsync("bash", "infra/rabbitmq-cluster.sh", "start", "a");
                })
                : ("RabbitMQ stopped for 30 s", async () =>
                {
                    await ShAsync("rabbitmqctl", "-q", "stop_app");
                    await Task.Delay(TimeSpan.FromSeconds(30));
                    await ShAsync("rabbitmqctl", "-q", "start_app");
                }),
            ("PostgreSQL restarted (immediate stop)", () => ShAsync("pg_ctlcluster", "15", "main", "restart", "-m", "immediate")),
            ("kill -9 Ingestion", () => system.KillAndRestartAsync(system.Instances("Ingestion")[^1], TimeSpan.FromSeconds(2))),
            ("kill -9 Attribution", () => system.KillAndRestartAsync(system.Instances("Attribution")[^1], TimeSpan.FromSeconds(2))),
            ("kill -9 Reporting", () => system.KillAndRestartAsync(system.Instances("Reporting")[^1], TimeSpan.FromSeconds(2))),
            ("poison message", () => PoisonAsync(management, system.Run)),
        };

        var outcomes = new List<Outcome>();
        foreach (var (name, inject) in faults)
        {
            Console.Error.WriteLine($"Fault: {name}");
            using var stop = new CancellationTokenSource();
            var load = traffic.RunAsync(workers: 4, stop.Token);
            await Task.Delay(loadPerFault / 2);
            await inject();
            await Task.Delay(loadPerFault / 2);
            await stop.CancelAsync();
            await load;

            var settling = Stopwatch.StartNew();
            Outcome outcome;
            do
            {
                outcome = await CheckAsync(name, traffic, reporting, management, system.Run, ngo, settling.Elapsed.TotalSeconds);
                if (outcome.Passed) break;
                await Task.Delay(2000);
            } while (settling.Elapsed < SettleWithin);
            Console.Error.WriteLine($"  {(outcome.Passed ? "passed" : "FAILED")}: settled in {outcome.SettledSeconds:N0} s, {outcome}");
            outcomes.Add(outcome);
        }
        return outcomes;
    }

    private static async Task<Outcome> CheckAsync(string fault, Traffic traffic, HttpClient reporting, HttpClient management, string vhost, string ngo, double seconds)
    {
        long donations = -1, gross = -1, refunded = -1, stuck = -1, errors = -1;
        var reconciliation = "unknown";
        try
        {
            var summary = await reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo}/reports/summary");
            var rub = summary!["currencies"]!.AsArray().SingleOrDefault(c => c!["currency"]!.GetValue<string>() == "RUB");
            (donations, gross, refunded) = rub is null ? (0, 0, 0)
                : (rub["donations"]!.GetValue<long>(), rub["grossMinor"]!.GetValue<long>(), rub["refundedMinor"]!.GetValue<long>());
            reconciliation = (await reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo}/reconciliation"))!["status"]!.GetValue<string>();
            var queues = (await management.GetFromJsonAsync<JsonArray>($"queues/{Uri.EscapeDataString(vhost)}?columns=name,messages"))!;
            long Messages(JsonNode q) => q["messages"]?.GetValue<long>() ?? 0;
            bool Parked(JsonNode q) => q["name"]!.GetValue<string>() is var name && (name.EndsWith("_error", StringComparison.Ordinal) || name.EndsWith("_dead", StringComparison.Ordinal));
            stuck = queues.Where(q => !Parked(q!)).Sum(q => Messages(q!));
            errors = queues.Where(q => Parked(q!)).Sum(q => Messages(q!));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
        var passed = donations == traffic.Payments && gross == traffic.PaymentsMinor && refunded == traffic.RefundsMinor
                     && reconciliation == "balanced" && stuck == 0 && traffic.Rejected == 0;
        return new Outcome(fault, passed, seconds, traffic.Payments, traffic.PaymentsMinor, traffic.RefundsMinor, donations, gross, refunded,
            reconciliation, stuck, errors, traffic.Retries, traffic.Rejected);
    }

    /// <summary>A message no consumer can read, published where donations are: it must end in an _error queue and stop nothing.</summary>
    private static async Task PoisonAsync(HttpClient management, string vhost)
    {
        var exchange = Uri.EscapeDataString("Donations.Contracts.Ingestion:DonationReceived");
        var response = await management.PostAsJsonAsync($"exchanges/{Uri.EscapeDataString(vhost)}/{exchange}/publish", new
        {
            properties = new { content_type = "application/vnd.masstransit+json", delivery_mode = 2, message_id = Guid.NewGuid().ToString() },
            routing_key = "",
            payload = "{\"message\": {\"ngoId\": 42, \"amountMinor\": \"lots\"}, \"messageType\": [\"urn:message:Donations.Contracts.Ingestion:DonationReceived\"]}",
            payload_encoding = "string",
        });
        response.EnsureSuccessStatusCode();
    }

    private static async Task ShAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ServiceProcess.RepoRoot(),
        })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
