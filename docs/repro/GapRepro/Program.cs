// Reproduces what Marten 9.58's high-water detector does at a sequence gap, against a database of its own.
//   dotnet run -c Release -- <mode> [staleMs] [holdMs]
// modes: quick-hold  — Quick append (Marten 9's default) in a transaction held open after the insert
//        rich-delay  — Rich append: sequence numbers fetched (autocommit), the inserting transaction begun later
//        quick-delay — the same delay in Quick mode (numbers are drawn inside the inserting transaction)
//        crash       — two daemons, concurrent appenders, an immediate stop/start of a PRIVATE cluster (REPRO_PG, REPRO_PGCTL)
using System.Collections.Concurrent;
using System.Reflection;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;
using Marten.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Repro;

var mode = args.Length > 0 ? args[0] : "quick-hold";
var staleMs = args.Length > 1 ? int.Parse(args[1]) : 500;
var holdMs = args.Length > 2 ? int.Parse(args[2]) : 3000;
var cs = Environment.GetEnvironmentVariable("REPRO_PG") ?? "Host=127.0.0.1;Port=5432;Database=gapevidence;Username=donations;Password=donations";
var schema = $"repro_{mode.Replace('-', '_')}_{DateTime.UtcNow:HHmmss}";
var started = DateTime.UtcNow;
void Say(string s) => Console.WriteLine($"[{(DateTime.UtcNow - started).TotalSeconds,6:0.000}s] {s}");

if (mode == "crash")
    return await CrashRun.RunAsync(cs, staleMs, Environment.GetEnvironmentVariable("REPRO_PGCTL") ?? throw new InvalidOperationException("REPRO_PGCTL: the pg_ctl command of a cluster of your own"), holdMs / 1000, Say);

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Marten.Events.Daemon", LogLevel.Information);
builder.Logging.AddFilter("JasperFx.Events.Daemon", LogLevel.Information);
builder.Services.AddSingleton<Seen>();
builder.Services.AddMarten(o =>
    {
        o.Connection(cs);
        o.DatabaseSchemaName = schema;
        o.Events.DatabaseSchemaName = schema;
        o.Events.MetadataConfig.HeadersEnabled = true;
        o.AutoCreateSchemaObjects = AutoCreate.All;
        if (mode.StartsWith("rich")) o.Events.AppendMode = EventAppendMode.Rich;
        o.Events.UseListenNotifyForEventAppends = Environment.GetEnvironmentVariable("REPRO_NOTIFY") == "1";
        // As in shared/Donations.ServiceDefaults/Storage/MartenSetup.cs, with the gap wait under test.
        o.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
        o.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250);
        o.Projections.StaleSequenceThreshold = TimeSpan.FromMilliseconds(staleMs);
        o.Projections.Errors.SkipApplyErrors = false;
    })
    .AddAsyncDaemon(DaemonMode.HotCold)
    .AddSubscriptionWithServices<Recorder>(ServiceLifetime.Singleton, s => s.Name = "recorder");
using var host = builder.Build();
var store = host.Services.GetRequiredService<IDocumentStore>();
var seen = host.Services.GetRequiredService<Seen>();

var graph = store.Options.Events;
var appender = graph.GetType().GetProperty("EventAppender", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(graph);
Say($"Marten {typeof(IDocumentStore).Assembly.GetName().Version}, AppendMode={graph.AppendMode}, ListenNotify={((DocumentStore)store).Options.Events.UseListenNotifyForEventAppends}, appender={appender?.GetType().Name}, " +
    $"UseTransactionEvidenceForGapSkipping={((DocumentStore)store).Options.Projections.UseTransactionEvidenceForGapSkipping}, StaleSequenceThreshold={((DocumentStore)store).Options.Projections.StaleSequenceThreshold.TotalMilliseconds} ms, schema={schema}");

await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
await host.StartAsync();

async Task<long[]> AppendCommitted(string what, int count)
{
    await using var s = store.LightweightSession();
    var stream = s.Events.StartStream(Guid.NewGuid(), Enumerable.Range(0, count).Select(i => (object)new Donated(what, i)).ToArray());
    await s.SaveChangesAsync();
    var seqs = stream.Events.Select(e => e.Sequence).ToArray();
    Say($"{what}: committed seq {string.Join(",", seqs)}");
    return seqs;
}

async Task<bool> WaitSeen(IEnumerable<long> seqs, TimeSpan within)
{
    var deadline = DateTime.UtcNow + within;
    while (DateTime.UtcNow < deadline)
    {
        if (seqs.All(seen.Sequences.ContainsKey)) return true;
        await Task.Delay(50);
    }
    return seqs.All(seen.Sequences.ContainsKey);
}

async Task Snapshot(string when)
{
    await using var c = new NpgsqlConnection(cs);
    await c.OpenAsync();
    await using var cmd = new NpgsqlCommand($"select name, last_seq_id from {schema}.mt_event_progression order by name", c);
    await using var r = await cmd.ExecuteReaderAsync();
    var rows = new List<string>();
    while (await r.ReadAsync()) rows.Add($"{r.GetString(0)}={r.GetInt64(1)}");
    Say($"{when}: progression {string.Join(" ", rows)}; subscription saw {string.Join(",", seen.Sequences.Keys.Order())}");
}

var first = await AppendCommitted("before", 1);
if (!await WaitSeen(first, TimeSpan.FromSeconds(30))) { Say("daemon never delivered the first event"); return 2; }

long[] gapSeqs;
Task commitLater;
if (mode == "quick-hold")
{
    // A reserver that appended and holds its transaction open: Marten writes into our transaction, we commit later.
    var conn = new NpgsqlConnection(cs);
    await conn.OpenAsync();
    var tx = await conn.BeginTransactionAsync();
    await using (var held = store.LightweightSession(SessionOptions.ForTransaction(tx)))
    {
        var stream = held.Events.StartStream(Guid.NewGuid(), new Donated("held", 0), new Donated("held", 1));
        await held.SaveChangesAsync();
        gapSeqs = stream.Events.Select(e => e.Sequence).ToArray();
    }
    Say($"held: inserted seq {string.Join(",", gapSeqs)} in an open transaction");
    commitLater = Task.Run(async () =>
    {
        await Task.Delay(holdMs);
        await tx.CommitAsync();
        Say("held: committed");
        await conn.DisposeAsync();
    });
}
else
{
    // rich-delay / quick-delay: a session whose SaveChangesAsync stalls between drawing sequence numbers (Rich: an
    // autocommit nextval batch on a pooled connection) and beginning the inserting transaction — what a busy pool or
    // a slow reconnect after a PostgreSQL restart does to every write.
    var delayed = store.LightweightSession(new SessionOptions { Listeners = { new StallBeforeCommit(TimeSpan.FromMilliseconds(holdMs), Say) } });
    var stream = delayed.Events.StartStream(Guid.NewGuid(), new Donated("delayed", 0), new Donated("delayed", 1));
    commitLater = Task.Run(async () => { await delayed.SaveChangesAsync(); Say($"delayed: committed seq {string.Join(",", stream.Events.Select(e => e.Sequence))}"); await delayed.DisposeAsync(); });
    await Task.Delay(200);
    gapSeqs = [];
}

var after = await AppendCommitted("after", 1);
await Task.Delay(Math.Max(holdMs / 2, 1000));
await Snapshot("while the gap is open");
await commitLater;
if (gapSeqs.Length == 0)
{
    await using var c = new NpgsqlConnection(cs);
    await c.OpenAsync();
    await using var cmd = new NpgsqlCommand($"select seq_id from {schema}.mt_events where data->>'what' = 'delayed' or data->>'What' = 'delayed' order by 1", c);
    var list = new List<long>();
    await using (var r = await cmd.ExecuteReaderAsync()) while (await r.ReadAsync()) list.Add(r.GetInt64(0));
    gapSeqs = list.ToArray();
}
var all = first.Concat(gapSeqs).Concat(after).ToArray();
var delivered = await WaitSeen(all, TimeSpan.FromSeconds(10));
await Snapshot("10 s after the commit");
var lost = all.Where(s => !seen.Sequences.ContainsKey(s)).ToArray();
Say(delivered ? "RESULT: every committed event reached the subscription" : $"RESULT: LOST {lost.Length} committed event(s): seq {string.Join(",", lost)}");
await host.StopAsync();
return delivered ? 0 : 1;

namespace Repro
{
    public sealed record Donated(string What, int N);

    public sealed class Seen { public ConcurrentDictionary<long, bool> Sequences { get; } = new(); }

    public sealed class Recorder(Seen seen) : SubscriptionBase
    {
        public override Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
        {
            foreach (var e in page.Events) seen.Sequences[e.Sequence] = true;
            return Task.FromResult<IChangeListener>(NullChangeListener.Instance);
        }
    }

    /// <summary>Stalls SaveChangesAsync after Marten has processed the events (Rich: drawn their sequence numbers) and before the transaction.</summary>
    public sealed class StallBeforeCommit(TimeSpan stall, Action<string> say) : DocumentSessionListenerBase
    {
        public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            var seqs = session.PendingChanges.Streams().SelectMany(s => s.Events).Select(e => e.Sequence);
            say($"delayed: events processed, seq {string.Join(",", seqs)}; stalling {stall.TotalMilliseconds} ms before the transaction");
            await Task.Delay(stall, token);
        }
    }
}
