using System.Collections.Concurrent;
using System.Diagnostics;
using JasperFx;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Repro;

/// <summary>
/// A small fault run against a PostgreSQL cluster of its own (never the shared one): two daemon "instances" (HotCold,
/// one subscription each, one shared record of what was delivered), concurrent appenders with rolled-back appends,
/// an immediate stop and start of that cluster mid-load, then a check that every committed event was delivered.
/// </summary>
public static class CrashRun
{
    public static async Task<int> RunAsync(string cs, int staleMs, string pgctl, int seconds, Action<string> say)
    {
        var schema = $"crash_{(Environment.GetEnvironmentVariable("REPRO_RICH") == "1" ? "rich" : "quick")}_{staleMs}_{DateTime.UtcNow:HHmmss}";
        var seen = new Seen();
        IHost Build(string name)
        {
            var b = Host.CreateApplicationBuilder();
            b.Logging.ClearProviders();
            b.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = $"HH:mm:ss.fff [{name}] "; });
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            b.Logging.AddFilter("Marten.IDocumentStore", LogLevel.None);
            b.Services.AddSingleton(seen);
            b.Services.AddMarten(o =>
                {
                    o.Connection(cs + ";Maximum Pool Size=24");
                    o.DatabaseSchemaName = schema;
                    o.Events.DatabaseSchemaName = schema;
                    o.Events.MetadataConfig.HeadersEnabled = true;
                    o.AutoCreateSchemaObjects = AutoCreate.All;
                    if (Environment.GetEnvironmentVariable("REPRO_RICH") == "1") o.Events.AppendMode = JasperFx.Events.EventAppendMode.Rich;
        o.Events.UseListenNotifyForEventAppends = Environment.GetEnvironmentVariable("REPRO_NOTIFY") == "1";
                    o.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
                    o.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250);
                    o.Projections.StaleSequenceThreshold = TimeSpan.FromMilliseconds(staleMs);
                })
                .AddAsyncDaemon(DaemonMode.HotCold)
                .AddSubscriptionWithServices<Recorder>(ServiceLifetime.Singleton, s => { s.Name = "recorder"; s.Options.BatchSize = 500; });
            return b.Build();
        }

        using var one = Build("A");
        using var two = Build("B");
        var store = one.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await one.StartAsync();
        await two.StartAsync();

        var stop = new CancellationTokenSource();
        long ok = 0, failed = 0, conflicts = 0;
        var streams = new ConcurrentBag<Guid>();
        async Task Writer(int id)
        {
            var random = new Random(id);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var s = store.LightweightSession();
                    if (random.Next(20) == 0 && streams.TryPeek(out var existing))
                    {
                        // A racing write that loses: its sequence numbers are drawn, then rolled back (a gap).
                        s.Events.Append(existing, 1, new Donated("conflict", 0));
                        s.Events.StartStream(Guid.NewGuid(), new Donated("lost-with-conflict", 0));
                        await s.SaveChangesAsync();
                    }
                    else
                    {
                        var count = random.Next(8) == 0 ? 40 : random.Next(1, 6);
                        var stream = Guid.NewGuid();
                        s.Events.StartStream(stream, Enumerable.Range(0, count).Select(i => (object)new Donated("w", i)).ToArray());
                        await s.SaveChangesAsync();
                        streams.Add(stream);
                    }
                    Interlocked.Increment(ref ok);
                }
                catch (Exception e)
                {
                    if (e.GetType().Name.Contains("Concurrency") || e.Message.Contains("MT003") || e.Message.Contains("version")) Interlocked.Increment(ref conflicts);
                    else Interlocked.Increment(ref failed);
                    await Task.Delay(50);
                }
                await Task.Delay(random.Next(10, 40));
            }
        }

        var writers = Enumerable.Range(0, 6).Select(i => Task.Run(() => Writer(i))).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(seconds / 2.0));
        say($"crash: immediate stop of the private cluster (writes ok {ok}, failed {failed}, conflicts {conflicts})");
        await Sh(pgctl + " stop -m immediate");
        await Sh(pgctl + " start");
        say("crash: cluster started again");
        await Task.Delay(TimeSpan.FromSeconds(seconds / 2.0));
        stop.Cancel();
        await Task.WhenAll(writers);
        say($"load over: writes ok {ok}, failed {failed}, conflicts {conflicts}");

        long[] committed;
        await using (var c = new NpgsqlConnection(cs))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"select seq_id from {schema}.mt_events order by 1", c);
            var list = new List<long>();
            await using (var r = await cmd.ExecuteReaderAsync()) while (await r.ReadAsync()) list.Add(r.GetInt64(0));
            committed = list.ToArray();
        }
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (DateTime.UtcNow < deadline && committed.Any(s => !seen.Sequences.ContainsKey(s))) await Task.Delay(250);
        var lost = committed.Where(s => !seen.Sequences.ContainsKey(s)).ToArray();
        await using (var c = new NpgsqlConnection(cs))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"select starting_sequence, ending_sequence, timestamp from {schema}.mt_high_water_skips order by 1", c);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) say($"recorded skip ({r.GetInt64(0)}, {r.GetInt64(1)}] at {r.GetFieldValue<DateTime>(2):HH:mm:ss.fff}");
        }
        if (lost.Length > 0)
        {
            await using var c = new NpgsqlConnection(cs);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"select seq_id, timestamp, stream_id, type from {schema}.mt_events where seq_id = any(@s) and type <> 'tombstone' order by 1 limit 10", c);
            cmd.Parameters.AddWithValue("s", lost);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) say($"lost: seq {r.GetInt64(0)} ({r.GetString(3)}) written at {r.GetFieldValue<DateTime>(1):HH:mm:ss.fff} stream {r.GetGuid(2)}");
        }
        var lostByType = new Dictionary<string, int>();
        if (lost.Length > 0)
        {
            await using var c = new NpgsqlConnection(cs);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"select type, count(*) from {schema}.mt_events where seq_id = any(@s) group by 1", c);
            cmd.Parameters.AddWithValue("s", lost);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) lostByType[r.GetString(0)] = (int)r.GetInt64(1);
        }
        var data = lost.Length - lostByType.GetValueOrDefault("tombstone");
        say($"RESULT ({(Environment.GetEnvironmentVariable("REPRO_RICH") == "1" ? "Rich" : "Quick")}, stale {staleMs} ms): {committed.Length} committed events, {committed.Length - lost.Length} delivered, " +
            $"{data} data event(s) LOST, {lostByType.GetValueOrDefault("tombstone")} tombstone(s) (Marten's placeholders for a failed write's numbers) not delivered");
        await Task.WhenAll(one.StopAsync(), two.StopAsync());
        return lost.Length == 0 ? 0 : 1;
    }

    private static async Task Sh(string command)
    {
        using var p = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await p.WaitForExitAsync();
    }
}
