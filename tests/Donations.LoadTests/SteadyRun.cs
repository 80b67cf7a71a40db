using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Donations.Testing;

namespace Donations.LoadTests;

/// <summary>
/// Webhooks at a fixed rate (open loop: a slow answer does not slow the sender) for a fixed time: webhook latency,
/// end-to-end lag (from Reporting's histogram) and every service's resident memory, sampled each minute — the
/// half-of-peak lag target and the memory soak in one run.
/// </summary>
public static class SteadyRun
{
    public sealed record Sample(TimeSpan At, long Sent, long Acknowledged, double LagP99Ms, IReadOnlyList<double> RssMiB);

    public sealed record Report(int Rate, TimeSpan Duration, long Sent, long Acknowledged, long Failed, double P50Ms, double P99Ms,
        long LagObserved, double LagP50Ms, double LagP99Ms, IReadOnlyList<Sample> Samples, IReadOnlyList<string> Services);

    public static async Task<Report> RunAsync(int rate, TimeSpan duration)
    {
        Console.Error.WriteLine("Starting the system…");
        await using var system = await LocalSystem.StartAsync(Path.Combine(AppContext.BaseDirectory, "logs"),
            new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" });
        var (ngo, _, _) = await IngestBenchmark.SetUpAsync(system);
        using var http = system.Client(system.Ingestion, connections: 256);
        using var scrape = new HttpClient();
        var services = new[] { system.Ingestion, system.Attribution, system.Reporting };
        var latencies = new ConcurrentBag<double>();
        long sent = 0, acknowledged = 0, failed = 0;
        var inFlight = new ConcurrentDictionary<long, Task>();
        var samples = new List<Sample>();

        async Task SendAsync(long n)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var body = JsonSerializer.Serialize(new { type = "donation.succeeded", id = $"steady-{n}", amountMinor = 150_00, currency = "RUB", occurredAt = DateTimeOffset.UtcNow });
                var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(IngestBenchmark.Secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/generic/{ngo}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("Donations-Signature", $"t={t},v1={signature}");
                using var response = await http.SendAsync(request);
                Interlocked.Increment(ref response.StatusCode == HttpStatusCode.OK ? ref acknowledged : ref failed);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failed);
            }
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var clock = Stopwatch.StartNew();
        var nextSample = TimeSpan.FromMinutes(1);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (clock.Elapsed < duration && await tick.WaitForNextTickAsync())
        {
            // Whatever the timer's jitter, the number sent so far follows rate × elapsed.
            var due = (long)(clock.Elapsed.TotalSeconds * rate);
            while (sent < due)
            {
                var n = ++sent;
                var task = SendAsync(n);
                inFlight[n] = task;
                _ = task.ContinueWith(_ => inFlight.TryRemove(n, out var _done), TaskScheduler.Default);
            }
            if (clock.Elapsed >= nextSample)
            {
                nextSample += TimeSpan.FromMinutes(1);
                var metrics = await scrape.GetStringAsync(new Uri(system.Reporting.BaseAddress, "/metrics"));
                var sample = new Sample(clock.Elapsed, sent, Interlocked.Read(ref acknowledged), Prometheus.Quantile(metrics, "donations_attribution_lag", 0.99),
                    services.Select(s => s.RssMiB()).ToList());
                samples.Add(sample);
                Console.Error.WriteLine($"  {sample.At:mm\\:ss} sent {sample.Sent:N0}, acknowledged {sample.Acknowledged:N0}, lag p99 ≤ {sample.LagP99Ms:N0} ms, " +
                                        $"RSS {string.Join(" / ", sample.RssMiB.Select(r => $"{r:N0}"))} MiB");
            }
        }
        await Task.WhenAll(inFlight.Values);
        var elapsed = clock.Elapsed;

        var final = "";
        var drained = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < drained && Prometheus.Count(final = await scrape.GetStringAsync(new Uri(system.Reporting.BaseAddress, "/metrics")), "donations_attribution_lag") < acknowledged)
            await Task.Delay(1000);
        var sorted = latencies.Order().ToArray();
        return new Report(rate, elapsed, sent, acknowledged, failed, Measure.Percentile(sorted, 0.5), Measure.Percentile(sorted, 0.99),
            Prometheus.Count(final, "donations_attribution_lag"), Prometheus.Quantile(final, "donations_attribution_lag", 0.5),
            Prometheus.Quantile(final, "donations_attribution_lag", 0.99), samples, services.Select(s => s.Name).ToList());
    }
}
