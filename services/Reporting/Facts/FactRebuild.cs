using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Donations.Contracts.Attribution;
using Donations.Reporting.Catalog;
using Donations.Reporting.Donations;
using Marten;
using Npgsql;

namespace Donations.Reporting.Facts;

/// <summary>
/// Rebuilds the fact tables and rollups (<see cref="FactTables"/>) from the ledger Reporting keeps (every revision
/// Attribution sent, <see cref="LedgerEntry"/>) and from its copy of every click (<see cref="ClickFact"/>) while the
/// service keeps answering: the rebuild fills shadow tables
/// (<c>rpt_*_rebuild</c>) with the same code the live consumer runs, catches up with revisions that arrived meanwhile,
/// then — holding the writers back for a moment, never the readers — takes the last revisions, compares per NGO and
/// currency what was live with what it rebuilt, prints the differences and swaps the tables in.
/// </summary>
public sealed class FactRebuild(IDocumentStore store, TextWriter output)
{
    public const string Suffix = "_rebuild";
    private const int DonationsPerPage = 2000;

    private readonly string _schema = FactTables.Schema(store);
    private readonly string _ledger = store.Options.Schema.For<LedgerEntry>(true);
    private readonly string _clicks = store.Options.Schema.For<ClickFact>(true);
    private const int ClicksPerPage = 10_000;
    private readonly ISerializer _json = store.Options.Serializer();
    private long _applied;

    /// <summary>Column expressions of a ledger entry, as Marten's indexes on them spell them (so the indexes serve).</summary>
    private const string DonationColumn = "CAST(data ->> 'donationId' as uuid)", RevisionColumn = "CAST(data ->> 'revision' as integer)";

    /// <summary>Runs the rebuild; <paramref name="check"/> compares without swapping. Returns the number of differences found.</summary>
    public async Task<int> RunAsync(bool check, CancellationToken ct)
    {
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var guard = store.Storage.Database.CreateConnection();
        await guard.OpenAsync(ct);
        if (!(bool)(await Scalar(guard, $"select pg_try_advisory_lock(hashtext('{_schema}:rebuild'))", ct))!)
            throw new InvalidOperationException("Another rebuild of this schema is running.");

        var clock = Stopwatch.StartNew();
        var started = (DateTime)(await Scalar(guard, "select now()", ct))!;
        await CreateShadowAsync(guard, ct);
        var total = Convert.ToInt64(await Scalar(guard, $"select count(*) from {_ledger}", ct), CultureInfo.InvariantCulture);
        output.WriteLine($"rebuild {_schema}: {total} ledger revisions into {string.Join(", ", FactTables.All.Select(t => t + Suffix))}");

        // Every donation, a page of donations at a time, each page in its own transaction.
        Guid? after = null;
        var shown = TimeSpan.Zero;
        while (true)
        {
            var page = await PageAsync(guard, after, ct);
            if (page.Count == 0) break;
            await WriteAsync(guard, Replay(page.GroupBy(d => d.DonationId).Select(g => (g.ToList(), new List<DonationAttributed>()))), ct);
            after = page[^1].DonationId;
            if (clock.Elapsed - shown > TimeSpan.FromSeconds(2))
            {
                shown = clock.Elapsed;
                output.WriteLine($"  {_applied}/{total} revisions ({100.0 * _applied / Math.Max(1, total):F0}%), {clock.Elapsed.TotalSeconds:F0} s");
            }
        }
        output.WriteLine($"  {_applied} revisions replayed in {clock.Elapsed.TotalSeconds:F1} s");
        await ClicksAsync(guard, started: null, ct);
        output.WriteLine($"  clicks replayed in {clock.Elapsed.TotalSeconds:F1} s; catching up with what arrived meanwhile");
        // What arrived during the passes, until a pass finds little; then the rest with the writers held back.
        for (var round = 0; round < 5 && await CatchUpAsync(guard, started, ct) + await ClicksAsync(guard, started, ct, missingOnly: true) > 100; round++) { }
        await CompactAsync(guard, ct);

        var differences = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                differences = await FinishAsync(started, check, ct);
                break;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable && attempt < 5)
            {
                output.WriteLine($"  the writers held a lock ({e.SqlState}); trying again");
            }
        }
        output.WriteLine(check
            ? $"checked in {clock.Elapsed.TotalSeconds:F1} s; live tables left as they were"
            : $"rebuilt in {clock.Elapsed.TotalSeconds:F1} s; the rebuilt tables are live");
        return differences;
    }

    /// <summary>
    /// Rewrites the shadow rollups before they go live: every page updated the same rows again, so they stand on many
    /// times the pages they need, and vacuum frees that space but never gives it back — every report would read it.
    /// </summary>
    private async Task CompactAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var tables = FactTables.Rollups.Select(t => $"{_schema}.{t}{Suffix}").ToList();
        var size = $"select sum(pg_total_relation_size(t::regclass)) from unnest(array[{string.Join(", ", tables.Select(t => $"'{t}'"))}]) t";
        var before = Convert.ToInt64(await Scalar(connection, size, ct), CultureInfo.InvariantCulture);
        foreach (var table in tables)
        {
            await using var vacuum = new NpgsqlCommand($"vacuum (full, analyze) {table}", connection) { CommandTimeout = 0 };
            await vacuum.ExecuteNonQueryAsync(ct);
        }
        var after = Convert.ToInt64(await Scalar(connection, size, ct), CultureInfo.InvariantCulture);
        output.WriteLine($"  {tables.Count} rollups compacted: {before / 1048576.0:F1} → {after / 1048576.0:F1} MiB with their indexes");
    }

    /// <summary>Empty shadow tables shaped as the live ones, indexes and keys included.</summary>
    private async Task CreateShadowAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        foreach (var table in FactTables.All)
        {
            await Execute(connection, $"drop table if exists {_schema}.{table}{Suffix}", ct);
            await Execute(connection, $"create table {_schema}.{table}{Suffix} (like {_schema}.{table} including all)", ct);
        }
    }

    /// <summary>
    /// Feeds the clicks stored since <paramref name="started"/> (less a margin), or every click, through the live
    /// statement into the shadow tables, a page at a time; <paramref name="missingOnly"/>: only those the shadow tables
    /// lack (a click already there would change nothing, but costs its write). Returns how many it fed.
    /// </summary>
    private async Task<long> ClicksAsync(NpgsqlConnection connection, DateTime? started, CancellationToken ct, NpgsqlTransaction? tx = null, bool missingOnly = false)
    {
        long fed = 0;
        Guid? after = null;
        var filter = (started is null ? "" : " and mt_last_modified >= $2")
                     + (missingOnly ? $" and not exists (select 1 from {_schema}.{FactTables.Clicks}{Suffix} c where c.id = d.id)" : "");
        while (true)
        {
            // Keyset pages along the primary key: each page starts where the last ended.
            await using var command = new NpgsqlCommand(
                $"select data from {_clicks} d where id > $1{filter} order by id limit {ClicksPerPage}", connection, tx);
            command.Parameters.Add(new NpgsqlParameter { Value = after ?? Guid.Empty, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            if (started is not null) command.Parameters.Add(new NpgsqlParameter { Value = started.Value.AddMinutes(-10) });
            var page = new List<ClickFact>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) page.Add(_json.FromJson<ClickFact>(reader.GetStream(0)));
            if (page.Count == 0) return fed;
            await using (var write = new NpgsqlCommand(ClickFacts.UpsertSql(_schema, Suffix, "$1"), connection, tx))
            {
                write.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(page.Select(ClickFacts.Row)), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                await write.ExecuteNonQueryAsync(ct);
            }
            fed += page.Count;
            after = page[^1].Id;
        }
    }

    /// <summary>The revisions of the next page of donations after <paramref name="after"/>, in donation order.</summary>
    private async Task<List<DonationAttributed>> PageAsync(NpgsqlConnection connection, Guid? after, CancellationToken ct)
    {
        var sql = $"""
            select data -> 'decision' from {_ledger} where {DonationColumn} in (
              select distinct {DonationColumn} from {_ledger} {(after is null ? "" : $"where {DonationColumn} > $1")} order by 1 limit {DonationsPerPage})
            order by {DonationColumn}, {RevisionColumn}
            """;
        return await DecisionsAsync(connection, sql, after is null ? [] : [after.Value], ct);
    }

    private async Task<List<DonationAttributed>> DecisionsAsync(NpgsqlConnection connection, string sql, object[] parameters, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        var list = new List<DonationAttributed>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(_json.FromJson<DonationAttributed>(reader.GetStream(0)));
        return list;
    }

    /// <summary>
    /// The fact rows of <paramref name="donations"/>' new revisions, each applied as the live consumer applies it,
    /// in revision order, after the revisions already in the shadow tables (<c>known</c>).
    /// </summary>
    private IEnumerable<FactRow> Replay(IEnumerable<(List<DonationAttributed> New, List<DonationAttributed> Known)> donations)
    {
        foreach (var (revisions, known) in donations)
            foreach (var revision in revisions.OrderBy(r => r.Revision))
            {
                var rows = DonationFacts.Rows(revision, known);
                if (rows is null) continue;
                known.Add(revision);
                _applied++;
                foreach (var row in rows) yield return row;
            }
    }

    private async Task WriteAsync(NpgsqlConnection connection, IEnumerable<FactRow> rows, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        var list = rows.ToList();
        if (list.Count == 0) return;
        await using var command = new NpgsqlCommand(DonationFacts.UpsertSql(_schema, Suffix, "$1"), connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(list), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Replays the revisions stored since <paramref name="since"/> (less a margin for transactions open then) that
    /// the shadow tables lack; <paramref name="all"/>: every revision they lack. Returns how many it replayed.
    /// </summary>
    private async Task<int> CatchUpAsync(NpgsqlConnection connection, DateTime since, CancellationToken ct, NpgsqlTransaction? tx = null, bool all = false)
    {
        var missing = await DecisionsAsync(connection, $"""
            select e.data -> 'decision' from {_ledger} e
            where {(all ? "true" : "e.mt_last_modified >= $1")}
              and not exists (select 1 from {_schema}.{FactTables.Facts}{Suffix} f where f.donation = {DonationColumn.Replace("data", "e.data")} and f.revision = {RevisionColumn.Replace("data", "e.data")})
            """, all ? [] : [since.AddMinutes(-10)], ct, tx);
        if (missing.Count == 0) return 0;
        var ids = missing.Select(m => m.DonationId).Distinct().ToArray();
        // What the shadow tables already hold of these donations is what a new revision follows or precedes.
        var known = await DecisionsAsync(connection, $"""
            select e.data -> 'decision' from {_ledger} e
            where {DonationColumn.Replace("data", "e.data")} = any($1)
              and exists (select 1 from {_schema}.{FactTables.Facts}{Suffix} f where f.donation = {DonationColumn.Replace("data", "e.data")} and f.revision = {RevisionColumn.Replace("data", "e.data")})
            """, [ids], ct, tx);
        var byDonation = missing.GroupBy(m => m.DonationId)
            .Select(g => (g.ToList(), known.Where(k => k.DonationId == g.Key).ToList()));
        await WriteAsync(connection, Replay(byDonation), ct, tx);
        output.WriteLine($"  caught up {missing.Count} revisions");
        return missing.Count;
    }

    /// <summary>
    /// With the writers held back (readers go on): the last revisions, the comparison, and the swap. The live consumer
    /// writes the fact tables before the ledger, so they are locked first: it either finishes before or waits.
    /// </summary>
    private async Task<int> FinishAsync(DateTime started, bool check, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Execute(connection, "set local lock_timeout = '30s'", ct, tx);
        await Execute(connection, $"lock table {string.Join(", ", FactTables.All.Select(t => $"{_schema}.{t}"))}, {_ledger}, {_clicks} in exclusive mode", ct, tx);
        await CatchUpAsync(connection, started, ct, tx);
        await ClicksAsync(connection, started, ct, tx, missingOnly: true);
        var stored = Convert.ToInt64(await Scalar(connection, $"select count(*) from {_ledger}", ct, tx), CultureInfo.InvariantCulture);
        // A revision or click older than the margin that the passes missed (none expected): look at every one.
        if (stored != _applied) await CatchUpAsync(connection, started, ct, tx, all: true);
        if (!Equals(await Scalar(connection, $"select count(*) from {_clicks}", ct, tx), await Scalar(connection, $"select count(*) from {_schema}.{FactTables.Clicks}{Suffix}", ct, tx)))
            await ClicksAsync(connection, null, ct, tx, missingOnly: true);

        var differences = await CompareAsync(connection, tx, ct);
        if (!check) await SwapAsync(connection, tx, ct);
        else foreach (var table in FactTables.All) await Execute(connection, $"drop table {_schema}.{table}{Suffix}", ct, tx);
        await tx.CommitAsync(ct);
        return differences;
    }

    /// <summary>What the comparison sums per table: rows grouped by NGO, currency ('-' for none) and kind of row.</summary>
    private static readonly (string Table, string Select, string[] Measures)[] Sums =
    [
        .. new[] { FactTables.Facts, FactTables.Days, FactTables.Totals }.Select(t => (t,
            "select ngo, currency, dim, sum(gross) as gross, sum(refunded) as refunded, sum(fee) as fee, sum(attributed) as attributed, sum(donations) as donations from {0} group by 1, 2, 3",
            new[] { "gross", "refunded", "fee", "attributed", "donations" })),
        (FactTables.KeyDays, "select ngo, currency, dim, sum(attributed) as attributed, sum(donations) as donations from {0} group by 1, 2, 3", ["attributed", "donations"]),
        (FactTables.RecordedMonths, "select ngo, currency, dim, sum(gross) as gross, sum(refunded) as refunded, sum(fee) as fee, sum(attributed) as attributed, sum(donations) as donations from {0} group by 1, 2, 3",
            ["gross", "refunded", "fee", "attributed", "donations"]),
        (FactTables.Donors, "select ngo, '-' as currency, dim, sum(donations) as donations, count(*) filter (where donations > 0) as donors from {0} group by 1, 2, 3", ["donations", "donors"]),
        (FactTables.DonorCounts, "select ngo, '-' as currency, dim, sum(donors) as donors from {0} group by 1, 2, 3", ["donors"]),
        (FactTables.Clicks, "select ngo, '-' as currency, 'post' as dim, count(*) filter (where not bot) as humans, count(*) filter (where bot) as bots, count(*) filter (where paid) as paid from {0} group by 1, 2, 3",
            ["humans", "bots", "paid"]),
        (FactTables.ClickDays, "select ngo, '-' as currency, 'post' as dim, sum(humans) as humans, sum(bots) as bots, sum(paid) as paid from {0} group by 1, 2, 3", ["humans", "bots", "paid"]),
        (FactTables.ClickPeople, "select ngo, '-' as currency, 'post' as dim, count(*) as people, sum(cardinality(days)) as active_days from {0} group by 1, 2, 3", ["people", "active_days"]),
        (FactTables.ClickPeopleCounts, "select ngo, '-' as currency, 'post' as dim, sum(people) as people from {0} group by 1, 2, 3", ["people"]),
        // A donor's entries may be split differently by the pages that wrote them; what they sum to may not.
        (FactTables.DonorHistory, "select ngo, '-' as currency, dim, sum(n) as donations, count(*) filter (where n > 0) as donors from (select ngo, dim, (select coalesce(sum((v->>4)::int), 0) from jsonb_array_elements(entries) v) as n from {0}) x group by 1, 2, 3",
            ["donations", "donors"]),
        (FactTables.DonorMoments, "select ngo, '-' as currency, dim, sum(donors) as donors, count(*) filter (where donors <> 0) as moments from {0} group by 1, 2, 3", ["donors", "moments"]),
        (FactTables.DonorRecorded, "select ngo, '-' as currency, dim, sum(donors) as donors, count(*) filter (where donors <> 0) as days from {0} group by 1, 2, 3", ["donors", "days"]),
        (FactTables.DonorRecordedMonths, "select ngo, '-' as currency, dim, sum(donors) as donors, count(*) filter (where donors <> 0) as months from {0} group by 1, 2, 3", ["donors", "months"]),
        (FactTables.DonorFirsts, "select ngo, currency, dim, count(*) as donors, sum(extract(epoch from first_at)::bigint) as first_seconds from {0} group by 1, 2, 3", ["donors", "first_seconds"]),
        (FactTables.DonorFirstDays, "select ngo, currency, dim, sum(donors) as donors, count(*) filter (where donors <> 0) as days from {0} group by 1, 2, 3", ["donors", "days"]),
        (FactTables.ClickTotals, "select ngo, '-' as currency, 'post' as dim, sum(humans) as humans, sum(bots) as bots, sum(paid) as paid from {0} group by 1, 2, 3", ["humans", "bots", "paid"]),
        (FactTables.ClickFirsts, "select ngo, '-' as currency, 'post' as dim, count(*) as people, sum(extract(epoch from first_at)::bigint) as first_seconds from {0} group by 1, 2, 3", ["people", "first_seconds"]),
        (FactTables.ClickPeopleDays, "select ngo, '-' as currency, 'post' as dim, sum(people) as people, count(*) filter (where people <> 0) as days from {0} group by 1, 2, 3", ["people", "days"]),
        (FactTables.ClickMonths, "select ngo, '-' as currency, 'post' as dim, sum(humans) as humans, sum(bots) as bots, sum(paid) as paid from {0} group by 1, 2, 3", ["humans", "bots", "paid"]),
        (FactTables.ClickPeopleSpans, "select ngo, '-' as currency, 'post' as dim, sum(people) as active_days, count(*) filter (where people <> 0) as spans from {0} group by 1, 2, 3", ["active_days", "spans"]),
        (FactTables.PostDonorSpans, "select ngo, '-' as currency, 'post' as dim, sum(donors) as active_days, count(*) filter (where donors <> 0) as spans from {0} group by 1, 2, 3", ["active_days", "spans"]),
        (FactTables.ClickPeopleMonths, "select ngo, '-' as currency, 'post' as dim, sum(people) as people, count(*) filter (where people <> 0) as months from {0} group by 1, 2, 3", ["people", "months"]),
    ];

    /// <summary>Prints, per NGO, currency and kind of row, every sum that differs between live and rebuilt; returns how many.</summary>
    private async Task<int> CompareAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        var differences = 0;
        output.WriteLine("comparison with what was live, per NGO and currency:");
        foreach (var (table, sql, measures) in Sums)
        {
            var compare = $"""
                select coalesce(l.ngo, n.ngo), coalesce(l.currency, n.currency), coalesce(l.dim, n.dim),
                  {string.Join(", ", measures.Select(m => $"coalesce(l.{m}, 0)::bigint, coalesce(n.{m}, 0)::bigint"))}
                from ({string.Format(CultureInfo.InvariantCulture, sql, $"{_schema}.{table}")}) l
                full join ({string.Format(CultureInfo.InvariantCulture, sql, $"{_schema}.{table}{Suffix}")}) n on l.ngo = n.ngo and l.currency = n.currency and l.dim = n.dim
                where ({string.Join(", ", measures.Select(m => $"coalesce(l.{m}, 0)"))}, 0) is distinct from ({string.Join(", ", measures.Select(m => $"coalesce(n.{m}, 0)"))}, 0)
                order by 1, 2, 3
                """;
            await using var command = new NpgsqlCommand(compare, connection, tx);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                differences++;
                var changes = measures.Select((m, i) => (m, Live: reader.GetInt64(3 + 2 * i), Rebuilt: reader.GetInt64(4 + 2 * i)))
                    .Where(c => c.Live != c.Rebuilt).Select(c => $"{c.m} {c.Live} -> {c.Rebuilt}");
                var dim = reader.GetString(2);
                output.WriteLine($"  DIFFERENCE ngo={reader.GetString(0)} currency={reader.GetString(1)} {table}/{(dim == "" ? "donation" : dim)}: {string.Join(", ", changes)}");
            }
        }
        output.WriteLine(differences == 0 ? "  no differences" : $"  {differences} differences (live -> rebuilt)");
        return differences;
    }

    /// <summary>Drops each live table and gives its name, and its indexes' names, to the rebuilt one.</summary>
    private async Task SwapAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        // All at once, so that readers wait for the swap once rather than deadlock with it table by table.
        await Execute(connection, $"lock table {string.Join(", ", FactTables.All.Select(t => $"{_schema}.{t}"))} in access exclusive mode", ct, tx);
        foreach (var table in FactTables.All)
        {
            var live = await IndexesAsync(connection, table, tx, ct);
            var rebuilt = await IndexesAsync(connection, table + Suffix, tx, ct);
            await Execute(connection, $"drop table {_schema}.{table}", ct, tx);
            await Execute(connection, $"alter table {_schema}.{table}{Suffix} rename to {table}", ct, tx);
            foreach (var (shape, name) in rebuilt)
                if (live.TryGetValue(shape, out var liveName) && liveName != name)
                    await Execute(connection, $"alter index {_schema}.{name} rename to {liveName}", ct, tx);
        }
    }

    /// <summary>A table's indexes by their shape (what follows the table's name in the definition), with their names.</summary>
    private async Task<Dictionary<string, string>> IndexesAsync(NpgsqlConnection connection, string table, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select indexname, indexdef from pg_indexes where schemaname = $1 and tablename = $2", connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = _schema });
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        var indexes = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var definition = reader.GetString(1);
            indexes[(definition.StartsWith("CREATE UNIQUE", StringComparison.Ordinal) ? "unique" : "") + definition[definition.IndexOf(" USING ", StringComparison.Ordinal)..]] = reader.GetString(0);
        }
        return indexes;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        return await command.ExecuteScalarAsync(ct);
    }
}

public static class FactRebuildCommand
{
    /// <summary>
    /// <c>rebuild [--check]</c>: rebuilds the fact tables from the ledger and prints the differences from what was
    /// live; <c>--check</c> compares only. Exit code 0 when done (differences are printed), 1 when it could not run.
    /// </summary>
    public static async Task<int> RunRebuildAsync(this IHost app, string[] args)
    {
        try
        {
            await new FactRebuild(app.Services.GetRequiredService<IDocumentStore>(), Console.Out).RunAsync(args.Contains("--check"), CancellationToken.None);
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or NpgsqlException)
        {
            Console.Error.WriteLine($"rebuild failed: {e.Message}");
            return 1;
        }
    }
}
