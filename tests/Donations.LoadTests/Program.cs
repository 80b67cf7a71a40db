using Donations.LoadTests;

// dotnet run -c Release --project tests/Donations.LoadTests -- ingest [seconds] [clients]
// dotnet run -c Release --project tests/Donations.LoadTests -- reports [donations] [clicks] [small donations]
// dotnet run -c Release --project tests/Donations.LoadTests -- steady [donors per second] [seconds] [warm-up seconds, 30]
// dotnet run -c Release --project tests/Donations.LoadTests -- burst [clicks] [visitors] [webhooks]
// dotnet run -c Release --project tests/Donations.LoadTests -- export [rows]
// dotnet run -c Release --project tests/Donations.LoadTests -- render <web url> <ngo> <viewer key> [loads]   (the dashboard in Chromium)
// dotnet run -c Release --project tests/Donations.LoadTests -- reconciliation [donations] [ngos] [donations stored a minute] [run of kept documents]
// dotnet run -c Release --project tests/Donations.LoadTests -- faults [instances] [seconds of load per fault] [cluster]   (root; see infra/faults.sh)
// dotnet run -c Release --project tests/Donations.LoadTests -- seed      (a year of a demo NGO into the running system of infra/run.sh)
// Needs PostgreSQL and RabbitMQ (bash infra/up.sh) and the solution built in Release.
var command = args.FirstOrDefault() ?? "ingest";

switch (command)
{
    case "seed":
        return await new DemoSeed(new Uri(Environment.GetEnvironmentVariable("DONATIONS_INGESTION_URL") ?? "http://127.0.0.1:5101"),
            new Uri(Environment.GetEnvironmentVariable("DONATIONS_REPORTING_URL") ?? "http://127.0.0.1:5103"),
            Environment.GetEnvironmentVariable("DONATIONS_ADMIN_KEY") ?? throw new InvalidOperationException("DONATIONS_ADMIN_KEY must be set.")).RunAsync();
    case "reports":
        var donations = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
        var clicks = args.Length > 2 ? int.Parse(args[2]) : 5_000_000;
        var small = args.Length > 3 ? int.Parse(args[3]) : 10_000;
        var loadAtStart = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        var (latencies, dashboard, seeded, rebuilt) = await ReportBenchmark.RunAsync(small, donations, clicks);
        Console.WriteLine($"Report benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {small:N0} and {donations:N0} donations " +
                          $"({clicks:N0} clicks at {donations:N0}); documents loaded in {seeded.TotalSeconds:N0} s, facts rebuilt in {rebuilt.TotalSeconds:N0} s; " +
                          $"load average {string.Join(" ", loadAtStart)} at the start, {string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3])} at the end");
        Console.WriteLine();
        Console.WriteLine($"| report | p50 at {small:N0} | p95 at {small:N0} | p50 at {donations:N0} | p95 at {donations:N0} | ratio | target |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var r in latencies)
            Console.WriteLine($"| `{r.Route}` | {r.Small.P50Ms:N1} ms | {r.Small.P99Ms:N1} ms | {r.Large.P50Ms:N1} ms | {r.Large.P99Ms:N1} ms | {r.Ratio:N2} | " +
                              $"{(r.Large.P99Ms <= r.Target && r.Ratio <= 2 ? "met" : $"missed (p95 ≤ {r.Target:N0} ms, ratio ≤ 2)")} |");
        Console.WriteLine($"| dashboard's full render in Chromium, from navigation start ({dashboard.Large.Loads} reloads) | {dashboard.Small.P50Ms:N0} ms | {dashboard.Small.P95Ms:N0} ms | " +
                          $"{dashboard.Large.P50Ms:N0} ms | {dashboard.Large.P95Ms:N0} ms | {dashboard.Large.P95Ms / Math.Max(1, dashboard.Small.P95Ms):N2} | " +
                          $"{(dashboard.Large.P95Ms <= 300 ? "met" : "missed (≤ 300 ms)")} |");
        Console.WriteLine($"| the same, wall clock from Playwright's reload | {dashboard.Small.WallP50Ms:N0} ms | {dashboard.Small.WallP95Ms:N0} ms | " +
                          $"{dashboard.Large.WallP50Ms:N0} ms | {dashboard.Large.WallP95Ms:N0} ms | {dashboard.Large.WallP95Ms / Math.Max(1, dashboard.Small.WallP95Ms):N2} | — |");
        return 0;
    case "render":
        var render = await DashboardRender.MeasureAsync(new Uri(args[1]), args[2], args[3], args.Length > 4 ? int.Parse(args[4]) : 10);
        Console.WriteLine($"Dashboard render, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, from navigation start: p50 {render.P50Ms:N0} ms, p95 {render.P95Ms:N0} ms; " +
                          $"wall clock from Playwright's reload: p50 {render.WallP50Ms:N0} ms, p95 {render.WallP95Ms:N0} ms, over {render.Loads} loads");
        return 0;
    case "reconciliation":
        await ReconciliationBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1_000_000, args.Length > 2 ? int.Parse(args[2]) : 1_000,
            args.Length > 3 ? int.Parse(args[3]) : 6_000, args.Length > 4 ? args[4] : null);
        return 0;
    case "export":
        var exportRows = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
        var (idleRss, exports) = await ExportBenchmark.RunAsync(exportRows);
        Console.WriteLine($"Export benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {exportRows:N0} donations and clicks; Reporting RSS idle {idleRss:N0} MiB");
        Console.WriteLine();
        Console.WriteLine("| export | rows | MiB | first row | seconds | rows/s | Reporting RSS before | at a tenth | at the end | peak while streaming |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var e in exports)
            Console.WriteLine($"| `{e.What}` | {e.Rows:N0} | {e.Bytes / 1048576.0:N0} | {e.FirstRow.TotalSeconds:N1} s | {e.Elapsed.TotalSeconds:N1} | {e.Rows / e.Elapsed.TotalSeconds:N0} | " +
                              $"{e.RssBeforeMiB:N0} MiB | {e.RssAtTenthMiB:N0} MiB | {e.RssAtEndMiB:N0} MiB | {e.PeakRssMiB:N0} MiB |");
        return 0;
    case "ingest":
        var seconds = args.Length > 1 ? int.Parse(args[1]) : 15;
        var clients = args.Length > 2 ? int.Parse(args[2]) : 64;
        var results = await IngestBenchmark.RunAsync(clients, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"Ingest benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {seconds} s per row");
        Console.WriteLine();
        Console.WriteLine("| what | throughput | p50 | p99 | errors |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var result in results) Console.WriteLine(result.Row);
        return 0;
    case "steady":
        var rate = args.Length > 1 ? int.Parse(args[1]) : 100;
        var steadyFor = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2]) : 600);
        var steady = await SteadyRun.RunAsync(rate, steadyFor, TimeSpan.FromSeconds(args.Length > 3 ? int.Parse(args[3]) : 30));
        Console.WriteLine($"Steady run, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {rate} donors/s for {steadyFor.TotalMinutes:N0} min");
        Console.WriteLine();
        Console.WriteLine($"webhook deliveries {steady.Deliveries:N0} ({steady.Deliveries / steady.Duration.TotalSeconds:N0}/s), payments acknowledged {steady.Payments:N0}, " +
                          $"retried {steady.Retries:N0}, rejected {steady.Rejected:N0}; latency p50 {steady.P50Ms:N1} ms, p99 {steady.P99Ms:N1} ms; " +
                          $"redirects p50 {steady.RedirectP50Ms:N1} ms, p99 {steady.RedirectP99Ms:N1} ms");
        Console.WriteLine($"end-to-end lag ({steady.LagObserved:N0} observed): p50 ≤ {steady.LagP50Ms:N0} ms, p99 ≤ {steady.LagP99Ms:N0} ms");
        Console.WriteLine();
        Console.WriteLine($"| minute | webhooks | payments | lag p99 so far | RSS {string.Join(" | RSS ", steady.Services)} |");
        Console.WriteLine($"|---|---|---|---|{string.Concat(steady.Services.Select(_ => "---|"))}");
        foreach (var s in steady.Samples)
            Console.WriteLine($"| {s.At.TotalMinutes:N0} | {s.Deliveries:N0} | {s.Payments:N0} | ≤ {s.LagP99Ms:N0} ms | {string.Join(" | ", s.RssMiB.Select(r => $"{r:N0} MiB"))} |");
        Console.WriteLine();
        Console.WriteLine("Idle after the warm-up, before the load (cores): " + string.Join(", ", steady.Idle.OrderByDescending(c => c.Cores).Select(c => $"{c.Process} {c.Cores:N3}")));
        Console.WriteLine("CPU per webhook delivery, from the start of the load until the reports caught up: " +
                          string.Join(", ", steady.Cpu.OrderByDescending(c => c.CpuMsPerWebhook).Select(c => $"{c.Process} {c.CpuMsPerWebhook:N2} ms")) +
                          $"; total {steady.Cpu.Sum(c => c.CpuMsPerWebhook):N2} ms");
        Console.WriteLine($"Conflicts: {string.Join("; ", steady.Conflicts)}. Load average at the end: {steady.Load}");
        return steady.Rejected == 0 ? 0 : 1;
    case "burst":
        var burstClicks = args.Length > 1 ? int.Parse(args[1]) : 3000;
        var visitors = args.Length > 2 ? int.Parse(args[2]) : 1450;
        var burstWebhooks = args.Length > 3 ? int.Parse(args[3]) : 2000;
        var rows = await BurstBenchmark.RunAsync(burstClicks, visitors, burstWebhooks);
        Console.WriteLine($"Burst benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, the default abuse limits, 64 concurrent senders");
        Console.WriteLine();
        Console.WriteLine("| burst | sent | passed | 429 | other errors | took | rate | p50 | p99 |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row.Markdown);
        return rows[0].Limited + rows[1].Limited == 0 && rows[0].Failed + rows[1].Failed == 0 ? 0 : 1;
    case "faults":
        var instances = args.Length > 1 ? int.Parse(args[1]) : 1;
        var load = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2]) : 20);
        var cluster = args.Length > 3 && args[3] == "cluster";
        var outcomes = await FaultSuite.RunAsync(instances, load, cluster);
        Console.WriteLine($"Fault suite, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {instances} instance(s) of each service, " +
                          $"{(cluster ? "three-node RabbitMQ cluster with quorum queues" : "one RabbitMQ node")}, {load.TotalSeconds:N0} s of load per fault");
        Console.WriteLine();
        Console.WriteLine("| fault | result | settled in | payments acknowledged | in reports | net acknowledged | net reported | reconciliation | left in queues | in _error queues | client retries |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var o in outcomes)
            Console.WriteLine($"| {o.Fault} | {(o.Passed ? "passed" : "FAILED")} | {o.SettledSeconds:N0} s | {o.Payments:N0} | {o.ReportedDonations:N0} | " +
                              $"{o.PaymentsMinor - o.RefundsMinor:N0} | {o.ReportedGross - o.ReportedRefunded:N0} | {o.Reconciliation} | {o.Stuck} | {o.InErrorQueues} | {o.Retries:N0} |");
        return outcomes.All(o => o.Passed) ? 0 : 1;
    default:
        Console.Error.WriteLine("Usage: Donations.LoadTests ingest [seconds] [clients] | reports [donations] [clicks] | steady [rate] [seconds] | burst [clicks] [visitors] [webhooks] | export [rows] | reconciliation [donations] [ngos] [per minute] | render <web url> <ngo> <key> [loads] | faults [instances] [seconds] [cluster]");
        return 2;
}
