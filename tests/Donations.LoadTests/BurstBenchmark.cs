using System.Diagnostics;
using System.Net;
using Donations.Testing;

namespace Donations.LoadTests;

/// <summary>
/// Whether the abuse limits, at the services' defaults, let a viral post's burst through — and still stop one address or
/// one link flooding. The tool stands where the Ingress stands (127.0.0.1 is the trusted proxy) and names each visitor in
/// <c>X-Forwarded-For</c>, so the limiter sees thousands of clients; everything is sent as fast as the machine allows,
/// far faster than people click.
/// </summary>
public static class BurstBenchmark
{
    public sealed record Row(string What, int Sent, int Passed, int Limited, int Failed, TimeSpan Elapsed, double P50Ms, double P99Ms)
    {
        public string Markdown =>
            $"| {What} | {Sent:N0} | {Passed:N0} | {Limited:N0} | {Failed:N0} | {Elapsed.TotalSeconds:N1} s | {Sent / Elapsed.TotalSeconds:N0}/s | {P50Ms:N1} ms | {P99Ms:N1} ms |";
    }

    public const string CarrierNat = "100.64.0.1";

    public static async Task<IReadOnlyList<Row>> RunAsync(int clicks, int visitors, int webhooks, int concurrency = 64)
    {
        Console.Error.WriteLine("Starting the system with the default abuse limits…");
        await using var system = await LocalSystem.StartAsync(Path.Combine(AppContext.BaseDirectory, "logs"), new Dictionary<string, string>
        {
            ["Donations__TrustedProxyNetworks"] = "127.0.0.1", ["Logging__LogLevel__Default"] = "Warning",
        }, abuseLimits: true);
        var (ngo, viral, _) = await IngestBenchmark.SetUpAsync(system);
        var (_, flooded, _) = await IngestBenchmark.SetUpAsync(system);
        using var http = system.Client(system.Ingestion, connections: concurrency);

        // The burst: each visitor clicks twice (a tap, then another after the preview), and a mobile carrier's NAT puts a
        // hundred people behind one address; all of it shuffled, as a feed delivers it.
        var burst = Enumerable.Range(0, clicks - 100).Select(i => Visitor(i % visitors)).Concat(Enumerable.Repeat(CarrierNat, 100))
            .OrderBy(_ => Random.Shared.Next()).ToArray();
        var rows = new List<Row>
        {
            await SendAsync($"viral post: {clicks:N0} redirects of one link from {visitors:N0} visitors and one carrier NAT with 100 people", burst.Length,
                i => Redirect(http, viral, burst[i]), HttpStatusCode.Redirect, concurrency),
            await SendAsync($"telethon: {webhooks:N0} signed webhooks for one NGO from one provider", webhooks, async i =>
            {
                using var request = Traffic.GenericWebhook(ngo, new
                {
                    type = "donation.succeeded", id = $"burst-{i}", amountMinor = 500_00, currency = "RUB", occurredAt = DateTimeOffset.UtcNow,
                })();
                using var response = await http.SendAsync(request);
                return response.StatusCode;
            }, HttpStatusCode.OK, concurrency),
            await SendAsync("abuse: 1,000 redirects from one address", 1000, i => Redirect(http, viral, "203.0.113.66"), HttpStatusCode.Redirect, concurrency),
            await SendAsync("abuse: 10,000 redirects of one link from 10,000 addresses", 10_000, i => Redirect(http, flooded, Visitor(100_000 + i)),
                HttpStatusCode.Redirect, concurrency),
        };
        return rows;
    }

    /// <summary>A distinct public-looking address per visitor number (198.18.0.0/15, the benchmarking range).</summary>
    private static string Visitor(int n) => $"198.{18 + (n >> 16 & 1)}.{n >> 8 & 255}.{n & 255}";

    private static async Task<HttpStatusCode> Redirect(HttpClient http, string code, string visitor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/r/{code}");
        request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36");
        request.Headers.Add("X-Forwarded-For", visitor);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<Row> SendAsync(string what, int count, Func<int, Task<HttpStatusCode>> send, HttpStatusCode success, int concurrency)
    {
        Console.Error.WriteLine($"  {what}…");
        var latencies = new double[count];
        int next = -1, passed = 0, limited = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < count;)
            {
                var started = Stopwatch.GetTimestamp();
                HttpStatusCode status;
                try
                {
                    status = await send(i);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (status == success) Interlocked.Increment(ref passed);
                else if (status == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref limited);
                else Interlocked.Increment(ref failed);
            }
        }));
        var elapsed = clock.Elapsed;
        var sorted = latencies.Order().ToArray();
        return new Row(what, count, passed, limited, failed, elapsed, Measure.Percentile(sorted, 0.50), Measure.Percentile(sorted, 0.99));
    }
}
