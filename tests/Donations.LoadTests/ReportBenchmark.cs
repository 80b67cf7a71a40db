using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Contracts.Attribution;
using Donations.Reporting.Catalog;
using Donations.Reporting.Donations;
using Donations.Reporting.Storage;
using Donations.ServiceDefaults.Messaging;
using Donations.Testing;
using Marten;
using Weasel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Donations.LoadTests;

/// <summary>
/// Report latency at two sizes in one run: an NGO with <c>small</c> donations and one with <c>donations</c> (each over a
/// year, with its revision history for asOf, and five clicks per donation), their documents bulk-loaded into a running
/// system's Reporting schema and their fact tables and rollups filled by Reporting's own rebuild (the code the live
/// consumers run); then each report endpoint, JSON and CSV, is called over HTTP and timed at both sizes.
/// </summary>
public static class ReportBenchmark
{
    private const int Posts = 200, Campaigns = 20, Fundraisers = 10, Batch = 50_000, Calls = 100;

    /// <summary>One endpoint at both sizes.</summary>
    public sealed record Sized(string Route, Result Small, Result Large)
    {
        public double Ratio => Large.P99Ms / Math.Max(0.001, Small.P99Ms);
        public double Target => Route.Contains("asOf=", StringComparison.Ordinal) ? 100 : 20;
    }

    public static async Task<(IReadOnlyList<Sized> Results, (DashboardRender.Result Small, DashboardRender.Result Large) Render, TimeSpan Seeding, TimeSpan Rebuild)> RunAsync(int small, int donations, int clicks)
    {
        Console.Error.WriteLine("Starting the system…");
        await using var system = await LocalSystem.StartAsync(Path.Combine(AppContext.BaseDirectory, "logs"),
            new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                // The seeded views have no accepted money, so every pass would re-check a million "mismatched" donations on one
                // of the two cores while the reports are timed; the monitor's own cost is the `reconciliation` benchmark's.
                ["Reconciliation__IntervalSeconds"] = "86400",
            });
        using var admin = system.Client(system.Ingestion, LocalSystem.AdminKey);
        async Task<(string Ngo, string Key, HttpClient Viewer)> NgoAsync(string name)
        {
            var ngo = $"{name}-{Guid.NewGuid():N}"[..20];
            var keys = (await (await admin.PostAsJsonAsync("/api/ngos", new { id = ngo, name })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
            var key = keys["viewerKey"]!.GetValue<string>();
            return (ngo, key, system.Client(system.Reporting, key));
        }
        var (smallNgo, smallKey, smallViewer) = await NgoAsync("small");
        var (largeNgo, largeKey, largeViewer) = await NgoAsync("large");

        var store = ReportingStore(system.Run);
        var seeding = Stopwatch.StartNew();
        await SeedAsync(store, smallNgo, small, (int)((long)clicks * small / Math.Max(1, donations)));
        await SeedAsync(store, largeNgo, donations, clicks);
        var documents = seeding.Elapsed;
        // The fact tables and rollups, as the live consumers write them: Reporting's rebuild replays what was loaded.
        var rebuild = Stopwatch.StartNew();
        await new Donations.Reporting.Facts.FactRebuild(store, Console.Error).RunAsync(check: false, CancellationToken.None);
        rebuild.Stop();
        // What autovacuum does on a live system before anyone reads: statistics, and the visibility map index-only scans need.
        await using (var connection = new Npgsql.NpgsqlConnection(LocalSystem.Postgres))
        {
            await connection.OpenAsync();
            await using var vacuum = new Npgsql.NpgsqlCommand("vacuum (analyze)", connection) { CommandTimeout = 0 };
            await vacuum.ExecuteNonQueryAsync();
        }
        Console.Error.WriteLine($"Seeded {small + donations:N0} donations and their clicks in {documents.TotalSeconds:N0} s, facts rebuilt in {rebuild.Elapsed.TotalSeconds:N0} s");
        foreach (var (ngo, viewer) in new[] { (smallNgo, smallViewer), (largeNgo, largeViewer) })
            while (!(await viewer.GetAsync($"/api/ngos/{ngo}/reports/summary")).IsSuccessStatusCode) await Task.Delay(200); // the key reached Reporting

        var now = DateTimeOffset.UtcNow;
        var month = $"from={now.AddDays(-30):yyyy-MM-dd}&to={now:yyyy-MM-dd}";
        var asOf = $"asOf={Uri.EscapeDataString(now.AddDays(-180).ToString("O"))}";
        var reports = new[]
        {
            "summary", $"summary?{month}", $"summary?{asOf}", "posts", $"posts?{month}", $"posts?{asOf}", "campaigns", "fundraisers", "fundraisers/fundraiser-3",
            "daily", "daily?by=post", "daily?by=campaign", "payouts", "verification", "funnel",
        };
        var routes = reports.Select(r => $"reports/{r}")
            .Concat(reports.Select(r => $"reports/{r}{(r.Contains('?') ? "&" : "?")}format=csv"))
            .Append("donations?provider=generic&providerTxId=tx-1234").ToList();
        var results = new List<Sized>();
        foreach (var route in routes)
        {
            var timed = new Sized(route, await TimeAsync(smallViewer, smallNgo, route), await TimeAsync(largeViewer, largeNgo, route));
            Console.Error.WriteLine($"  {route}: p95 {timed.Small.P99Ms:N1} ms at {small:N0}, {timed.Large.P99Ms:N1} ms at {donations:N0}");
            results.Add(timed);
        }
        // The dashboard as a viewer sees it, in Chromium through the web app, at both sizes.
        var render = (await DashboardRender.MeasureAsync(system.Web.BaseAddress, smallNgo, smallKey), await DashboardRender.MeasureAsync(system.Web.BaseAddress, largeNgo, largeKey));
        Console.Error.WriteLine($"  dashboard: p95 {render.Item1.P95Ms:N0} ms at {small:N0}, {render.Item2.P95Ms:N0} ms at {donations:N0}");
        // For EXPLAIN ANALYZE at this size: the data stays until the named file is removed.
        if (Environment.GetEnvironmentVariable("DONATIONS_REPORTS_HOLD") is { Length: > 0 } hold)
        {
            await File.WriteAllTextAsync(hold, $"schema reporting_{system.Run}\nsmall {smallNgo}\nlarge {largeNgo}\n");
            Console.Error.WriteLine($"Holding the data until {hold} is removed (schema reporting_{system.Run}, NGOs {smallNgo} and {largeNgo})");
            while (File.Exists(hold)) await Task.Delay(1000);
        }
        smallViewer.Dispose();
        largeViewer.Dispose();
        return (results, render, documents, rebuild.Elapsed);
    }

    /// <summary>One warm-up call, then up to <see cref="Calls"/> timed ones (fewer when each takes seconds).</summary>
    private static async Task<Result> TimeAsync(HttpClient viewer, string ngo, string route)
    {
        (await viewer.GetAsync($"/api/ngos/{ngo}/{route}")).EnsureSuccessStatusCode();
        var times = new List<double>();
        var spent = Stopwatch.StartNew();
        while (times.Count < Calls && (times.Count < 5 || spent.Elapsed < TimeSpan.FromSeconds(20)))
        {
            var started = Stopwatch.GetTimestamp();
            (await viewer.GetAsync($"/api/ngos/{ngo}/{route}")).EnsureSuccessStatusCode();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var sorted = times.Order().ToArray();
        return new Result(route, times.Count, TimeSpan.FromMilliseconds(times.Sum()), Measure.Percentile(sorted, 0.5), Measure.Percentile(sorted, 0.95), 0);
    }

    internal static IDocumentStore ReportingStore(string run)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:postgres"] = LocalSystem.Postgres;
        builder.Configuration["ConnectionStrings:rabbitmq"] = $"amqp://guest:guest@{LocalSystem.RabbitHost}:5672/";
        builder.Configuration["Marten:Schema"] = $"reporting_{run}";
        builder.AddReportingStore();
        builder.AddDonationsMessaging();
        return builder.Build().Services.GetRequiredService<IDocumentStore>(); // the host is never started
    }

    internal static async Task SeedAsync(IDocumentStore store, string ngo, int donations, int clicks)
    {
        var random = new Random(2026);
        var start = DateTimeOffset.UtcNow.AddDays(-365);
        var posts = Enumerable.Range(0, Posts).Select(i => new PostView($"{ngo}/wall-1_{i}", ngo, $"wall-1_{i}", $"campaign-{i % Campaigns}",
            i % 20 == 0 ? $"fundraiser-{i / 20 % Fundraisers}" : null, start.AddDays(i))).ToList();
        await store.BulkInsertDocumentsAsync(posts);
        await store.BulkInsertDocumentsAsync(Enumerable.Range(0, Campaigns).Select(i => new CampaignView($"{ngo}/campaign-{i}", ngo, $"campaign-{i}", $"Кампания {i}", start, null)).ToList());
        await store.BulkInsertDocumentsAsync(Enumerable.Range(0, Fundraisers).Select(i => new FundraiserView($"{ngo}/fundraiser-{i}", ngo, $"fundraiser-{i}",
            $"campaign-{i}", $"Сбор {i}", 5_000_000_00, "RUB", start.AddDays(60 + 30 * i))).ToList());
        await store.BulkInsertDocumentsAsync(Enumerable.Range(0, 2000).Select(i => new SpendEntry(Guid.NewGuid(), ngo, $"campaign-{i % Campaigns}",
            i % 2 == 0 ? $"wall-1_{i % Posts}" : null, 1000_00, "RUB", i % 3 == 0 ? "vk_grant" : "own", start.AddHours(i * 4))).ToList());

        for (var done = 0; done < donations; done += Batch)
        {
            var views = new List<DonationView>(Batch);
            var entries = new List<LedgerEntry>(Batch * 2);
            for (var i = done; i < Math.Min(donations, done + Batch); i++)
            {
                var occurred = start.AddSeconds(random.NextDouble() * 365 * 86400);
                var amount = random.Next(100, 500_000) * 100L;
                var refunded = random.Next(10) == 0 ? amount / 2 : 0;
                var attributed = random.Next(10) < 8;
                var credits = attributed
                    ? Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(Posts)).Distinct().Select(p => posts[p]).ToList()
                    : [];
                var shares = credits.Select(_ => 1m / credits.Count).ToList();
                var net = credits.Count == 0 ? [] : Donations.Contracts.Money.Split.LargestRemainder(amount - refunded, shares);
                var id = Guid.NewGuid();
                DonationAttributed Revision(int revision, long refundedSoFar, IReadOnlyList<long> amounts, DateTimeOffset decidedAt) => new(
                    ngo, id, revision, revision == 1 ? Causes.Received : Causes.Refund, "generic", $"tx-{i}", amount, refundedSoFar, "RUB", occurred, null,
                    attributed ? AttributionStatus.Attributed : AttributionStatus.Unattributed, attributed ? "click-id" : "none", attributed ? null : "no click id",
                    "last-click", 30, 0, credits.Select((p, k) => new Credit(p.PostId, p.CampaignId, p.FundraiserId, Guid.NewGuid(), shares[k], amounts[k])).ToList(),
                    decidedAt, null, $"donor-{random.Next(donations / 3 + 1)}");
                var first = Revision(1, 0, credits.Count == 0 ? [] : Donations.Contracts.Money.Split.LargestRemainder(amount, shares), occurred.AddSeconds(2));
                entries.Add(LedgerEntry.Of(first));
                var latest = first;
                if (refunded > 0)
                {
                    latest = Revision(2, refunded, net, occurred.AddDays(3));
                    entries.Add(LedgerEntry.Of(latest));
                }
                views.Add(new DonationView { Id = id, NgoId = ngo, Provider = "generic", ProviderTxId = $"tx-{i}", OccurredAt = occurred, Latest = latest });
            }
            await store.BulkInsertDocumentsAsync(views, BulkInsertMode.InsertsOnly, Batch);
            await store.BulkInsertDocumentsAsync(entries, BulkInsertMode.InsertsOnly, Batch);
            Console.Error.Write($"\r  donations {Math.Min(donations, done + Batch):N0}/{donations:N0}   ");
        }
        Console.Error.WriteLine();
        for (var done = 0; done < clicks; done += Batch * 2)
        {
            var facts = Enumerable.Range(done, Math.Min(Batch * 2, clicks - done)).Select(i =>
            {
                var post = posts[random.Next(Posts)];
                return new ClickFact(Guid.NewGuid(), ngo, post.PostId, post.CampaignId, random.Next(8) == 0, start.AddSeconds(random.NextDouble() * 365 * 86400),
                    $"visitor-{random.Next(Math.Max(1, clicks / 3))}", random.Next(5) == 0 ? $"rb-{i}" : null);
            }).ToList();
            await store.BulkInsertDocumentsAsync(facts, BulkInsertMode.InsertsOnly, Batch);
            Console.Error.Write($"\r  clicks {Math.Min(clicks, done + Batch * 2):N0}/{clicks:N0}   ");
        }
        Console.Error.WriteLine();
    }

    private static async Task QueueSqlCommandAndSaveAsync(this IDocumentSession session, string sql)
    {
        session.QueueSqlCommand(sql);
        await session.SaveChangesAsync();
    }
}
