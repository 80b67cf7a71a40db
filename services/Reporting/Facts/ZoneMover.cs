using Donations.ServiceDefaults.Telemetry;
using Marten;
using Npgsql;

namespace Donations.Reporting.Facts;

/// <summary>
/// Moves an NGO's rollups to the time zone it chose (<see cref="NgoZones"/>): the fact rows' days and every rollup kept
/// by day are counted again in the new zone, in one transaction per NGO that holds that NGO's writers back
/// (<see cref="NgoZones.HoldOff"/>) and no one else's. Until it is done, reports in the new zone read the fact rows.
/// Any replica may move: the NGO's lock lets one at a time, and the second finds nothing left. A move that fails is
/// logged and tried again; the other NGOs move meanwhile. <c>donations.reports.zone_moves_pending</c>: NGOs not moved yet.
/// </summary>
public sealed class ZoneMover(IDocumentStore store, IConfiguration configuration, ILogger<ZoneMover> logger) : BackgroundService
{
    private volatile int _pending;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DonationsTelemetry.Meter.CreateObservableGauge("donations.reports.zone_moves_pending", () => _pending, "{ngo}",
            "NGOs whose reports are still counted in their previous time zone's days");
        var schema = FactTables.Schema(store);
        using var timer = new PeriodicTimer(configuration.GetValue("Reporting:ZoneMoveInterval", TimeSpan.FromSeconds(2)));
        do
        {
            try
            {
                await using var connection = store.Storage.Database.CreateConnection();
                await connection.OpenAsync(stoppingToken);
                var ngos = new List<string>();
                await using (var waiting = new NpgsqlCommand($"select ngo from {schema}.{NgoZones.Table} where zone <> fact_zone order by chosen_at", connection))
                await using (var reader = await waiting.ExecuteReaderAsync(stoppingToken))
                    while (await reader.ReadAsync(stoppingToken)) ngos.Add(reader.GetString(0));
                _pending = ngos.Count;
                foreach (var ngo in ngos)
                {
                    try
                    {
                        if (await MoveAsync(connection, schema, ngo, stoppingToken) is { } zone)
                        {
                            _pending--;
                            logger.LogInformation("NGO {Ngo}'s reports now count days in {Zone}", ngo, zone);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogError(e, "Could not move NGO {Ngo}'s reports to its new time zone; trying again", ngo);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not look for NGOs that changed their time zone; trying again");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Moves one NGO; the zone it moved to, or null when there was nothing to move (or a rebuild runs: later).</summary>
    public static async Task<string?> MoveAsync(NpgsqlConnection connection, string schema, string ngo, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        // A rebuild fills its tables with the zones as they were: the move waits until it has swapped them in.
        if (!(bool)(await Scalar(connection, tx, $"select pg_try_advisory_xact_lock_shared(hashtext('{schema}:rebuild'))", null, ct))!) return null;
        await Scalar(connection, tx, NgoZones.MoveLock(schema), ngo, ct);
        if (await Scalar(connection, tx, $"update {schema}.{NgoZones.Table} set fact_zone = zone where ngo = $1 and zone <> fact_zone returning zone", ngo, ct) is not string zone)
            return null;
        var day = $"at time zone (select fact_zone from {schema}.{NgoZones.Table} where ngo = $1))::date";
        foreach (var sql in new[]
                 {
                     $"update {schema}.{FactTables.Facts} set day = (occurred_at {day} where ngo = $1",
                     $"delete from {schema}.{FactTables.Days} where ngo = $1",
                     $"""
                     insert into {schema}.{FactTables.Days} (ngo, day, recorded_day, currency, provider, status, reason, dim, key, gross, refunded, fee, attributed, donations)
                     select ngo, day, (recorded_at at time zone 'UTC')::date, currency, provider, status, reason, dim, key, sum(gross), sum(refunded), sum(fee), sum(attributed), sum(donations)
                     from {schema}.{FactTables.Facts} where ngo = $1 group by 1, 2, 3, 4, 5, 6, 7, 8, 9
                     """,
                     $"delete from {schema}.{FactTables.KeyDays} where ngo = $1",
                     $"""
                     insert into {schema}.{FactTables.KeyDays} (ngo, dim, day, key, currency, attributed, donations)
                     select ngo, dim, day, key, currency, sum(attributed), sum(donations) from {schema}.{FactTables.Facts} where ngo = $1 and dim <> '' group by 1, 2, 3, 4, 5
                     """,
                     $"update {schema}.{FactTables.Clicks} set day = (clicked_at {day} where ngo = $1",
                     $"delete from {schema}.{FactTables.ClickDays} where ngo = $1",
                     $"""
                     insert into {schema}.{FactTables.ClickDays} (ngo, post, day, humans, bots, paid)
                     select ngo, post, day, count(*) filter (where not bot), count(*) filter (where bot), count(*) filter (where paid)
                     from {schema}.{FactTables.Clicks} where ngo = $1 group by 1, 2, 3
                     """,
                     $"delete from {schema}.{FactTables.ClickMonths} where ngo = $1",
                     $"""
                     insert into {schema}.{FactTables.ClickMonths} (ngo, post, month, humans, bots, paid)
                     select ngo, post, date_trunc('month', day)::date, sum(humans), sum(bots), sum(paid) from {schema}.{FactTables.ClickDays} where ngo = $1 group by 1, 2, 3
                     """,
                     // A person's first click stays the same click; only its day moves.
                     $"update {schema}.{FactTables.ClickFirsts} set day = (first_at {day}, prev_day = null where ngo = $1",
                     $"delete from {schema}.{FactTables.ClickPeopleDays} where ngo = $1",
                     $"insert into {schema}.{FactTables.ClickPeopleDays} (ngo, post, day, people) select ngo, post, day, count(*) from {schema}.{FactTables.ClickFirsts} where ngo = $1 group by 1, 2, 3",
                     $"delete from {schema}.{FactTables.ClickPeopleMonths} where ngo = $1",
                     $"""
                     insert into {schema}.{FactTables.ClickPeopleMonths} (ngo, post, month, people)
                     select ngo, post, date_trunc('month', day)::date, count(*) from {schema}.{FactTables.ClickFirsts} where ngo = $1 group by 1, 2, 3
                     """,
                     // Active days move with their clicks' and donations' days; the spans between them are counted again.
                     $"""
                     update {schema}.{FactTables.ClickPeople} p set days = x.days
                     from (select post, visitor, array_agg(distinct day order by day) as days from {schema}.{FactTables.Clicks} where ngo = $1 and not bot group by 1, 2) x
                     where p.ngo = $1 and p.post = x.post and p.visitor = x.visitor
                     """,
                     $"delete from {schema}.{FactTables.ClickPeopleSpans} where ngo = $1",
                     $"""
                     insert into {schema}.{FactTables.ClickPeopleSpans} (ngo, day, post, prev_day, people)
                     {FactTables.SpanCounts("post", "visitor", ClickFacts.PeopleDays($"{schema}.{FactTables.ClickPeople}", where: " where ngo = $1"))}
                     """,
                     $"delete from {schema}.{FactTables.PostDonorSpans} where ngo = $1",
                     $"""
                     insert into {schema}.{FactTables.PostDonorSpans} (ngo, day, post, prev_day, donors)
                     {FactTables.SpanCounts("key", "donor",
                         $"select ngo, key, donor, day, 1 as n from {schema}.{FactTables.Facts} where ngo = $1 and dim = '{FactDims.Post}' group by 1, 2, 3, 4 having sum(donations) > 0")}
                     """,
                 })
            await Scalar(connection, tx, sql, ngo, ct);
        await tx.CommitAsync(ct);
        return zone;
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string? ngo, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 600 };
        if (ngo is not null) command.Parameters.Add(new NpgsqlParameter { Value = ngo });
        return await command.ExecuteScalarAsync(ct);
    }
}
