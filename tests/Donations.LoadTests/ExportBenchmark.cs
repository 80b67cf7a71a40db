using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Testing;

namespace Donations.LoadTests;

/// <summary>
/// The events export at scale: one NGO with <c>rows</c> donations (with their revisions) and <c>rows</c> clicks,
/// bulk-loaded into a running system's Reporting schema; each export is downloaded over HTTP and counted, and
/// Reporting's resident memory is read as the rows arrive. Constant memory shows as the same RSS at the tenth and the
/// last part of the download.
/// </summary>
public static class ExportBenchmark
{
    public sealed record Run(string What, long Rows, long Bytes, TimeSpan Elapsed, TimeSpan FirstRow, double RssBeforeMiB, double RssAtTenthMiB, double RssAtEndMiB, double PeakRssMiB);

    public static async Task<(double IdleRssMiB, IReadOnlyList<Run> Runs)> RunAsync(int rows)
    {
        Console.Error.WriteLine("Starting the system…");
        await using var system = await LocalSystem.StartAsync(Path.Combine(AppContext.BaseDirectory, "logs"),
            new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" });
        var ngo = $"export-{Guid.NewGuid():N}"[..20];
        using var admin = system.Client(system.Ingestion, LocalSystem.AdminKey);
        var keys = (await (await admin.PostAsJsonAsync("/api/ngos", new { id = ngo, name = "Export" })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
        using var viewer = system.Client(system.Reporting, keys["viewerKey"]!.GetValue<string>());
        viewer.Timeout = Timeout.InfiniteTimeSpan;

        var seeding = Stopwatch.StartNew();
        await ReportBenchmark.SeedAsync(ReportBenchmark.ReportingStore(system.Run), ngo, rows, rows);
        Console.Error.WriteLine($"Seeded {rows:N0} donations and {rows:N0} clicks in {seeding.Elapsed.TotalSeconds:N0} s");
        while (!(await viewer.GetAsync($"/api/ngos/{ngo}/export/clicks?limit=1")).IsSuccessStatusCode) await Task.Delay(200); // the key reached Reporting
        var idle = system.Reporting.RssMiB();

        var runs = new List<Run>();
        foreach (var route in new[] { "donations", "donations?format=csv", "revisions", "clicks", "clicks?format=csv" })
            runs.Add(await DownloadAsync(system.Reporting, viewer, $"/api/ngos/{ngo}/export/{route}", route, rows));
        return (idle, runs);
    }

    private static async Task<Run> DownloadAsync(ServiceProcess reporting, HttpClient viewer, string url, string what, int expected)
    {
        var before = reporting.RssMiB();
        var clock = Stopwatch.StartNew();
        using var response = await viewer.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        long lines = 0, bytes = 0;
        double atTenth = 0, peak = 0;
        var firstRow = TimeSpan.Zero;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (lines++ == 0) firstRow = clock.Elapsed;
            bytes += line.Length + 1;
            if (lines % 10_000 == 0)
            {
                var rss = reporting.RssMiB();
                peak = Math.Max(peak, rss);
                if (atTenth == 0 && lines >= expected / 10) atTenth = rss;
                Console.Error.Write($"\r  {what}: {lines:N0} rows, Reporting RSS {rss:N0} MiB   ");
            }
        }
        var end = reporting.RssMiB();
        Console.Error.WriteLine();
        var rows = what.Contains("csv") ? lines - 1 : lines;
        return new Run(what, rows, bytes, clock.Elapsed, firstRow, before, atTenth, end, Math.Max(peak, end));
    }
}
