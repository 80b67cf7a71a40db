using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Donations.Ingestion.Providers;

/// <summary>A refused delivery as a person sees it: what to fix (<see cref="Reason"/>, keyed by <see cref="Code"/>) and the answer the provider got.</summary>
public sealed record CallbackRefusal(DateTimeOffset At, int Status, string Code, string Reason, string Detail);

/// <summary>One day (UTC) of one provider's deliveries to one NGO.</summary>
public sealed record CallbackDay(DateOnly Day, long Accepted, long Refused);

public sealed record CallbackHealthView(DateTimeOffset? LastAcceptedAt, CallbackRefusal? LastRefused, IReadOnlyList<CallbackDay> Days);

/// <summary>
/// Every webhook delivery's outcome, per NGO, provider and day: counted in memory on the hot path (no database write
/// inside a webhook) and added to PostgreSQL every <see cref="FlushEvery"/> by one upsert per (NGO, provider, day), so
/// replicas add up and a misconfigured callback shows within seconds. Only deliveries to an NGO that exists are counted:
/// the URL names the NGO, and an unknown one has nobody to tell.
/// </summary>
public sealed class CallbackHealth(IDocumentStore store, TimeProvider clock, ILogger<CallbackHealth> log) : BackgroundService
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(2);
    public const int DaysShown = 14;
    private const string Table = "callback_days";

    private sealed class Tally
    {
        public long Accepted;
        public long Refused;
        public DateTimeOffset? LastAcceptedAt;
        public CallbackRefusal? LastRefused;
    }

    private readonly Lock _gate = new();
    private Dictionary<(string Ngo, string Provider, DateOnly Day), Tally> _pending = new();
    private readonly string _schema = store.Options.DatabaseSchemaName;

    /// <summary>The table, created with the rest of the schema.</summary>
    public static void Define(StoreOptions options)
    {
        var table = new Table(new PostgresqlObjectName(options.DatabaseSchemaName, Table, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("ngo_id").AsPrimaryKey();
        table.AddColumn<string>("provider").AsPrimaryKey();
        table.AddColumn("day", "date").AsPrimaryKey();
        table.AddColumn("accepted", "bigint").NotNull();
        table.AddColumn("refused", "bigint").NotNull();
        table.AddColumn("last_accepted_at", "timestamptz");
        table.AddColumn("last_refused_at", "timestamptz");
        table.AddColumn("last_refused_status", "integer");
        table.AddColumn("last_refused_code", "text");
        table.AddColumn("last_refused_reason", "text");
        table.AddColumn("last_refused_detail", "text");
        options.Storage.ExtendedSchemaObjects.Add(table);
    }

    public void Accepted(string ngo, string provider)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            var tally = TallyOf(ngo, provider, now);
            tally.Accepted++;
            tally.LastAcceptedAt = now;
        }
    }

    public void Refused(string ngo, string provider, int status, string code, string reason, string detail)
    {
        var now = clock.GetUtcNow();
        var refusal = new CallbackRefusal(now, status, code, reason, detail.Length > 500 ? detail[..500] : detail);
        lock (_gate)
        {
            var tally = TallyOf(ngo, provider, now);
            tally.Refused++;
            tally.LastRefused = refusal;
        }
    }

    private Tally TallyOf(string ngo, string provider, DateTimeOffset now)
    {
        var key = (ngo, provider, DateOnly.FromDateTime(now.UtcDateTime));
        if (!_pending.TryGetValue(key, out var tally)) _pending[key] = tally = new Tally();
        return tally;
    }

    /// <summary>What the NGO's deliveries looked like, per provider: the last accepted, the last refused, and the last <see cref="DaysShown"/> days.</summary>
    public async Task<IReadOnlyDictionary<string, CallbackHealthView>> ReadAsync(string ngo, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"""
            select provider, day, accepted, refused, last_accepted_at, last_refused_at, last_refused_status, last_refused_code, last_refused_reason, last_refused_detail
            from {_schema}.{Table} where ngo_id = $1 and day > $2 order by day desc
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ngo });
        command.Parameters.Add(new NpgsqlParameter { Value = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-DaysShown) });
        var rows = new List<(string Provider, CallbackDay Day, DateTimeOffset? Accepted, CallbackRefusal? Refused)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetString(0), new CallbackDay(reader.GetFieldValue<DateOnly>(1), reader.GetInt64(2), reader.GetInt64(3)),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : new CallbackRefusal(reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(6), reader.GetString(7), reader.GetString(8), reader.GetString(9))));
        return rows.GroupBy(r => r.Provider).ToDictionary(g => g.Key, g => new CallbackHealthView(
            g.Max(r => r.Accepted), g.Select(r => r.Refused).Where(r => r is not null).MaxBy(r => r!.At), g.Select(r => r.Day).ToList()));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken); // what was counted since the last flush
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        Dictionary<(string Ngo, string Provider, DateOnly Day), Tally> batch;
        lock (_gate)
        {
            if (_pending.Count == 0) return;
            (batch, _pending) = (_pending, new());
        }
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var write = new NpgsqlBatch(connection);
            foreach (var ((ngo, provider, day), tally) in batch) write.BatchCommands.Add(Upsert(ngo, provider, day, tally));
            await write.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Kept for the next flush: a database outage delays the counts, never loses them.
            log.LogWarning("Callback health could not be stored ({Error}); trying again in {Seconds} s", e.Message, FlushEvery.TotalSeconds);
            lock (_gate)
                foreach (var (key, tally) in batch)
                {
                    var into = TallyOf(key.Ngo, key.Provider, new DateTimeOffset(key.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
                    into.Accepted += tally.Accepted;
                    into.Refused += tally.Refused;
                    if (tally.LastAcceptedAt > (into.LastAcceptedAt ?? DateTimeOffset.MinValue)) into.LastAcceptedAt = tally.LastAcceptedAt;
                    if (tally.LastRefused is { } r && r.At > (into.LastRefused?.At ?? DateTimeOffset.MinValue)) into.LastRefused = r;
                }
        }
    }

    private NpgsqlBatchCommand Upsert(string ngo, string provider, DateOnly day, Tally tally)
    {
        // The newer refusal wins whichever replica saw it; counts add up.
        var command = new NpgsqlBatchCommand($"""
            insert into {_schema}.{Table} as t (ngo_id, provider, day, accepted, refused, last_accepted_at,
                last_refused_at, last_refused_status, last_refused_code, last_refused_reason, last_refused_detail)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            on conflict (ngo_id, provider, day) do update set
                accepted = t.accepted + excluded.accepted,
                refused = t.refused + excluded.refused,
                last_accepted_at = greatest(t.last_accepted_at, excluded.last_accepted_at),
                last_refused_at = greatest(t.last_refused_at, excluded.last_refused_at),
                last_refused_status = case when excluded.last_refused_at >= coalesce(t.last_refused_at, '-infinity') then excluded.last_refused_status else t.last_refused_status end,
                last_refused_code = case when excluded.last_refused_at >= coalesce(t.last_refused_at, '-infinity') then excluded.last_refused_code else t.last_refused_code end,
                last_refused_reason = case when excluded.last_refused_at >= coalesce(t.last_refused_at, '-infinity') then excluded.last_refused_reason else t.last_refused_reason end,
                last_refused_detail = case when excluded.last_refused_at >= coalesce(t.last_refused_at, '-infinity') then excluded.last_refused_detail else t.last_refused_detail end
            """);
        object?[] values =
        [
            ngo, provider, day, tally.Accepted, tally.Refused, tally.LastAcceptedAt, tally.LastRefused?.At, tally.LastRefused?.Status,
            tally.LastRefused?.Code, tally.LastRefused?.Reason, tally.LastRefused?.Detail,
        ];
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }
}
