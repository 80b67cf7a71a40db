using System.Diagnostics;
using Donations.Contracts.Attribution;
using Donations.Reporting.Donations;
using Donations.Reporting.Reconciliation;
using Marten;
using Weasel.Core;

namespace Donations.LoadTests;

/// <summary>
/// The reconciliation monitor's database time (issue 14, item 6): Reporting's documents for <c>donations</c> donations
/// across <c>ngos</c> NGOs (a payment each, a tenth refunded, every one matched) bulk-loaded into a schema of their own,
/// then the monitor's two kinds of pass timed as it runs them: the full comparison (at the start and once an hour) and
/// the pass between (what either side stored in the last interval and margin, and the donations that differed).
/// No services run: the passes are the monitor's own code against PostgreSQL.
/// </summary>
public static class ReconciliationBenchmark
{
    private const int Batch = 50_000, Runs = 5;

    /// <summary><paramref name="seeded"/>: the run of an earlier benchmark whose documents are still there (its schema is then kept).</summary>
    public static async Task RunAsync(int donations, int ngos, int changesPerMinute, string? seeded = null)
    {
        var run = seeded ?? $"recbench{DateTime.UtcNow:MMddHHmmss}";
        var store = ReportBenchmark.ReportingStore(run);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var random = new Random(2026);
        if (seeded is null) await SeedAsync(store, random, donations, ngos);

        var options = new ReconciliationOptions();
        var window = TimeSpan.FromSeconds(options.IntervalSeconds) + ReconciliationScan.Margin;
        var full = await TimeAsync(store, "full pass", session => ReconciliationQuery.DifferingAsync(session, options.GraceSeconds, null, default));
        var idle = await TimeAsync(store, "pass between, nothing stored", session =>
            ReconciliationQuery.DifferingAsync(session, options.GraceSeconds, new(DateTimeOffset.UtcNow - window, []), default));
        // A pass between under traffic: the documents of the donations stored in the last interval and margin (stamped now, as a store would).
        var changed = (int)(changesPerMinute * window.TotalMinutes);
        await using (var session = store.LightweightSession(new Marten.Services.SessionOptions { Timeout = 600 }))
        {
            var views = store.Options.Schema.For<DonationView>(true);
            session.QueueSqlCommand($"""
                with touched as (select id from {views} order by random() limit {changed}),
                v as (update {views} set mt_last_modified = now() where id in (select id from touched))
                update {store.Options.Schema.For<AcceptedMoney>(true)} set mt_last_modified = now() where CAST(data ->> 'donationId' as uuid) in (select id from touched)
                """);
            await session.SaveChangesAsync();
        }
        var busy = await TimeAsync(store, $"pass between, {changed:N0} donations stored in the last {window.TotalMinutes:N0} min", session =>
            ReconciliationQuery.DifferingAsync(session, options.GraceSeconds, new(DateTimeOffset.UtcNow - window, []), default));

        var perMinute = full.Median / options.FullPassMinutes + busy.Median * 60 / options.IntervalSeconds;
        Console.WriteLine($"Reconciliation benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {donations:N0} donations of {ngos:N0} NGOs, " +
                          $"load average {string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3])}");
        Console.WriteLine();
        Console.WriteLine("| pass | median | slowest | differing found |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var r in new[] { full, idle, busy }) Console.WriteLine($"| {r.Name} | {r.Median:N0} ms | {r.Slowest:N0} ms | {r.Found} |");
        Console.WriteLine();
        Console.WriteLine($"Database time a minute (a full pass every {options.FullPassMinutes} min, a pass between every {options.IntervalSeconds} s at " +
                          $"{changesPerMinute:N0} donations stored a minute): {perMinute:N0} ms; the full pass every minute, as before: {full.Median:N0} ms");
        if (seeded is not null) return;
        await using (var session = store.LightweightSession())
        {
            session.QueueSqlCommand($"drop schema reporting_{run} cascade");
            await session.SaveChangesAsync();
        }
    }

    private static async Task SeedAsync(IDocumentStore store, Random random, int donations, int ngos)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-365);
        var seeding = Stopwatch.StartNew();
        for (var done = 0; done < donations; done += Batch)
        {
            var views = new List<DonationView>(Batch);
            var accepted = new List<AcceptedMoney>(Batch * 11 / 10);
            for (var i = done; i < Math.Min(donations, done + Batch); i++)
            {
                var (view, money) = Donation(random, $"ngo-{i % ngos}", i, start.AddSeconds(random.NextDouble() * 365 * 86400));
                views.Add(view);
                accepted.AddRange(money);
            }
            await store.BulkInsertDocumentsAsync(views, BulkInsertMode.InsertsOnly, Batch);
            await store.BulkInsertDocumentsAsync(accepted, BulkInsertMode.InsertsOnly, Batch);
            Console.Error.Write($"\r  donations {Math.Min(donations, done + Batch):N0}/{donations:N0}   ");
        }
        await using (var session = store.LightweightSession(new Marten.Services.SessionOptions { Timeout = 3600 }))
        {
            // Stored when they happened, over the year: a live system's documents are not all from the last minutes.
            session.QueueSqlCommand($"update {store.Options.Schema.For<DonationView>(true)} set mt_last_modified = occurred_at");
            session.QueueSqlCommand($"update {store.Options.Schema.For<AcceptedMoney>(true)} set mt_last_modified = (data ->> 'acceptedAt')::timestamptz");
            session.QueueSqlCommand("analyze");
            await session.SaveChangesAsync();
        }
        Console.Error.WriteLine($"\nSeeded {donations:N0} donations of {ngos:N0} NGOs in {seeding.Elapsed.TotalSeconds:N0} s");

    }

    private sealed record Timed(string Name, double Median, double Slowest, int Found);

    private static async Task<Timed> TimeAsync(IDocumentStore store, string name, Func<IQuerySession, Task<IReadOnlyList<DonationState>>> pass)
    {
        var times = new List<double>();
        var found = 0;
        for (var i = 0; i < Runs; i++)
        {
            await using var session = store.QuerySession(new Marten.Services.SessionOptions { Timeout = 600 });
            var clock = Stopwatch.StartNew();
            found = (await pass(session)).Count(d => d.State != "matched");
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.Error.WriteLine($"  {name}: {string.Join(", ", times.Select(t => $"{t:N0}"))} ms");
        return new Timed(name, times[Runs / 2], times[^1], found);
    }

    /// <summary>A matched donation: its view and the money accepted for it (its payment, and a refund for a tenth of them).</summary>
    private static (DonationView View, List<AcceptedMoney> Accepted) Donation(Random random, string ngo, int i, DateTimeOffset at)
    {
        var donation = Guid.NewGuid();
        var amount = random.Next(100, 500_000) * 100L;
        var refunded = random.Next(10) == 0 ? amount / 2 : 0;
        var decided = new DonationAttributed(ngo, donation, refunded > 0 ? 2 : 1, refunded > 0 ? Causes.Refund : Causes.Received, "generic", $"tx-{donation:N}", amount, refunded,
            "RUB", at, null, AttributionStatus.Unattributed, "none", "no click id", "last-click", 30, 0, [], at.AddSeconds(2), null, $"donor-{i}");
        var accepted = new List<AcceptedMoney> { new($"payment/{donation}", ngo, donation, "generic", decided.ProviderTxId, "RUB", amount, 0, at) };
        if (refunded > 0) accepted.Add(new($"refund/{donation}/rf-{donation:N}", ngo, donation, "generic", decided.ProviderTxId, "RUB", 0, refunded, at.AddDays(3)));
        return (DonationView.Of(decided), accepted);
    }
}
