using System.Collections.Concurrent;
using System.Diagnostics;
using Donations.Testing;

namespace Donations.LoadTests;

/// <summary>
/// Donors at a fixed rate (open loop: a slow answer does not slow the arrivals), each a <see cref="Traffic"/> job —
/// clicks, payments from all four providers, recurring charges, refunds, duplicate deliveries — for a fixed time:
/// webhook latency, end-to-end lag (from Reporting's histogram), every service's resident memory sampled each minute
/// (the half-of-peak lag target and the memory soak in one run), and the CPU each part of the system spent per webhook.
/// </summary>
public static class SteadyRun
{
    public sealed record Sample(TimeSpan At, long Deliveries, int Payments, double LagP99Ms, IReadOnlyList<double> RssMiB);

    public sealed record Report(int Rate, TimeSpan Duration, long Deliveries, int Payments, long Retries, long Rejected, double P50Ms, double P99Ms,
        double RedirectP50Ms, double RedirectP99Ms,
        long LagObserved, double LagP50Ms, double LagP99Ms, IReadOnlyList<Sample> Samples, IReadOnlyList<string> Services,
        IReadOnlyList<(string Process, double CpuMsPerWebhook)> Cpu, IReadOnlyList<(string Process, double Cores)> Idle, IReadOnlyList<string> Conflicts, string Load);

    /// <summary>Where the CPU goes: each service, PostgreSQL, RabbitMQ and this load generator.</summary>
    private static Dictionary<string, double> CpuNow(IEnumerable<ServiceProcess> services)
    {
        var cpu = services.ToDictionary(s => s.Name, s => s.CpuSeconds());
        cpu["PostgreSQL"] = CpuClock.SecondsOf("postgres");
        cpu["RabbitMQ"] = CpuClock.SecondsOf("beam.smp");
        cpu["load generator"] = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        return cpu;
    }

    /// <summary>
    /// Warms the system up with <paramref name="warmUp"/> of the same traffic (the JIT and Marten's generated code
    /// are paid once per process, not per webhook) and lets it catch up; measures what it burns idle in four 15-second
    /// windows (the last, once tiered recompilation has settled, is reported); then the measured run. Latencies, lag and CPU per webhook describe the measured run only.
    /// </summary>
    public static async Task<Report> RunAsync(int rate, TimeSpan duration, TimeSpan warmUp)
    {
        Console.Error.WriteLine("Starting the system…");
        await using var system = await LocalSystem.StartAsync(Path.Combine(AppContext.BaseDirectory, "logs"),
            new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" });
        var (ngo, code, _) = await IngestBenchmark.SetUpAsync(system);
        var traffic = new Traffic(system, ngo, code, system.Run);
        using var scrape = new HttpClient();
        var services = new[] { system.Ingestion, system.Attribution, system.Reporting };
        Task<string> Metrics() => scrape.GetStringAsync(new Uri(system.Reporting.BaseAddress, "/metrics"));
        async Task<string> CaughtUpAsync()
        {
            var metrics = "";
            var drained = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow < drained && Prometheus.Count(metrics = await Metrics(), "donations_attribution_lag") < traffic.Payments)
                await Task.Delay(1000);
            return metrics;
        }

        if (warmUp > TimeSpan.Zero)
        {
            Console.Error.WriteLine($"Warming up for {warmUp.TotalSeconds:N0} s…");
            await DriveAsync(traffic, rate, warmUp, _ => Task.CompletedTask);
            await CaughtUpAsync();
        }
        var idle = new List<(string, double)>();
        for (var window = 0; window < IdleWindows; window++)
        {
            var idleFrom = CpuNow(services);
            await Task.Delay(IdleWindow);
            idle = CpuNow(services).Select(p => (p.Key, (p.Value - idleFrom[p.Key]) / IdleWindow.TotalSeconds)).ToList();
            Console.Error.WriteLine($"  idle {window + 1}: {string.Join(", ", idle.Select(i => $"{i.Item1} {i.Item2:N3}"))}");
        }

        traffic.ForgetLatencies();
        var (deliveriesBefore, paymentsBefore, metricsBefore) = (traffic.Deliveries, traffic.Payments, await Metrics());
        var samples = new List<Sample>();
        var cpuBefore = CpuNow(services);
        var elapsed = await DriveAsync(traffic, rate, duration, async at =>
        {
            var sample = new Sample(at, traffic.Deliveries - deliveriesBefore, traffic.Payments - paymentsBefore,
                Prometheus.Quantile(await Metrics(), "donations_attribution_lag", 0.99, metricsBefore), services.Select(s => s.RssMiB()).ToList());
            samples.Add(sample);
            Console.Error.WriteLine($"  {sample.At:mm\\:ss} webhooks {sample.Deliveries:N0}, payments acknowledged {sample.Payments:N0}, lag p99 ≤ {sample.LagP99Ms:N0} ms, " +
                                    $"RSS {string.Join(" / ", sample.RssMiB.Select(r => $"{r:N0}"))} MiB");
        });
        var final = await CaughtUpAsync();
        var cpuAfter = CpuNow(services);
        var deliveries = traffic.Deliveries - deliveriesBefore;
        var cpu = cpuAfter.Select(p => (p.Key, (p.Value - cpuBefore[p.Key]) * 1000 / Math.Max(1, deliveries))).ToList();
        var conflicts = new List<string>();
        foreach (var service in services)
        {
            var metrics = await scrape.GetStringAsync(new Uri(service.BaseAddress, "/metrics"));
            conflicts.Add($"{service.Name}: rollbacks {Prometheus.Sum(metrics, "donations_storage_rollbacks_total"):N0}, retries {Prometheus.Sum(metrics, "donations_storage_retries_total"):N0}, " +
                          $"event sequence gaps {await GapsAsync(system, service.Name):N0}");
        }
        var (latencies, redirects) = (traffic.Latencies(), traffic.Redirects());
        return new Report(rate, elapsed, deliveries, traffic.Payments - paymentsBefore, traffic.Retries, traffic.Rejected,
            Measure.Percentile(latencies, 0.5), Measure.Percentile(latencies, 0.99), Measure.Percentile(redirects, 0.5), Measure.Percentile(redirects, 0.99),
            Prometheus.Count(final, "donations_attribution_lag") - Prometheus.Count(metricsBefore, "donations_attribution_lag"),
            Prometheus.Quantile(final, "donations_attribution_lag", 0.5, metricsBefore), Prometheus.Quantile(final, "donations_attribution_lag", 0.99, metricsBefore),
            samples, services.Select(s => s.Name).ToList(), cpu, idle, conflicts, File.ReadAllText("/proc/loadavg").Trim());
    }

    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(15);
    private const int IdleWindows = 4;

    /// <summary>Starts donors at <paramref name="rate"/> a second for <paramref name="duration"/> (open loop), calls <paramref name="minute"/> each minute, and waits for every one to be acknowledged.</summary>
    private static async Task<TimeSpan> DriveAsync(Traffic traffic, int rate, TimeSpan duration, Func<TimeSpan, Task> minute)
    {
        var inFlight = new ConcurrentDictionary<long, Task>();
        long started = 0;
        var clock = Stopwatch.StartNew();
        var nextSample = TimeSpan.FromMinutes(1);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (clock.Elapsed < duration && await tick.WaitForNextTickAsync())
        {
            // Whatever the timer's jitter, the number of donors started so far follows rate × elapsed.
            for (var due = (long)(clock.Elapsed.TotalSeconds * rate); started < due;)
            {
                var n = ++started;
                var job = traffic.NextAsync();
                inFlight[n] = job;
                _ = job.ContinueWith(_ => inFlight.TryRemove(n, out var _), TaskScheduler.Default);
            }
            if (clock.Elapsed >= nextSample)
            {
                nextSample += TimeSpan.FromMinutes(1);
                await minute(clock.Elapsed);
            }
        }
        await Task.WhenAll(inFlight.Values);
        return clock.Elapsed;
    }

    /// <summary>Sequence numbers taken but never committed in the service's event store: each one a rolled-back append.</summary>
    private static async Task<long> GapsAsync(LocalSystem system, string service)
    {
        await using var connection = new Npgsql.NpgsqlConnection(LocalSystem.Postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"select coalesce(max(seq_id) - count(*), 0) from {service.ToLowerInvariant()}_{system.Run}.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
