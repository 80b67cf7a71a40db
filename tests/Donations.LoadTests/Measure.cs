using System.Diagnostics;

namespace Donations.LoadTests;

public sealed record Result(string What, long Count, TimeSpan Elapsed, double P50Ms, double P99Ms, long Errors)
{
    public double PerSecond => Count / Elapsed.TotalSeconds;
    public string Row => $"| {What} | {PerSecond:N0}/s | {P50Ms:N1} ms | {P99Ms:N1} ms | {Errors} |";
}

/// <summary>Runs a call from many clients at once for a fixed time, with a progress line, and keeps every latency.</summary>
public static class Measure
{
    public static async Task<Result> ConcurrentlyAsync(string what, int clients, TimeSpan duration, Func<int, long, Task<bool>> call)
    {
        var latencies = new List<double>[clients];
        long count = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        using var progress = new Timer(_ => Console.Error.Write($"\r  {what}: {clock.Elapsed.TotalSeconds,5:N1}/{duration.TotalSeconds:N0} s {Bar(clock.Elapsed / duration)} {Interlocked.Read(ref count),8:N0} done "),
            null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var mine = latencies[client] = new List<double>(4096);
            for (long n = 0; clock.Elapsed < duration; n++)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await call(client, n);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    ok = false;
                }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (ok) Interlocked.Increment(ref count); else Interlocked.Increment(ref errors);
            }
        }));
        var elapsed = clock.Elapsed;
        Console.Error.WriteLine();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(what, count, elapsed, Percentile(all, 0.50), Percentile(all, 0.99), errors);
    }

    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static string Bar(double done)
    {
        var filled = (int)Math.Clamp(done * 20, 0, 20);
        return "[" + new string('#', filled) + new string('.', 20 - filled) + "]";
    }
}
