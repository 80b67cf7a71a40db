using Donations.Contracts.Ingestion;
using Marten;
using Weasel.Postgresql.Tables;

namespace Donations.Reporting.Facts;

/// <summary>
/// An NGO's time zone as reports see it: the one it chose (<see cref="Chosen"/>, what <c>from</c>/<c>to</c> mean unless a
/// report is asked for another), and the one its rollups count days in (<see cref="Facts"/>). They differ from a change
/// of zone until <see cref="ZoneMover"/> has moved the rollups; meanwhile reports answer from the fact rows, exactly.
/// </summary>
public sealed record NgoZone(string Chosen, string Facts)
{
    public static readonly NgoZone Default = new(NgoTimeZones.Default, NgoTimeZones.Default);
}

/// <summary><c>rpt_ngo_zones</c>: per NGO, the zone chosen, when, and the zone its rollups' days are in (only the mover changes that).</summary>
public static class NgoZones
{
    public const string Table = "rpt_ngo_zones";

    public static void AddNgoZones(this StoreOptions options)
    {
#pragma warning disable CS0618 // as FactTables: Weasel 9's replacement constructor only adds an identifier-usage flag
        var zones = new Table(new Weasel.Postgresql.PostgresqlObjectName(options.DatabaseSchemaName, Table));
#pragma warning restore CS0618
        zones.AddColumn<string>("ngo").AsPrimaryKey();
        zones.AddColumn<string>("zone").NotNull();
        zones.AddColumn("chosen_at", "timestamptz").NotNull();
        zones.AddColumn<string>("fact_zone").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(zones);
    }

    public static async Task<NgoZone> LoadAsync(IQuerySession session, string ngo, CancellationToken ct) =>
        (await session.AdvancedSql.QueryAsync<NgoZone>(
            $"select jsonb_build_object('chosen', zone, 'facts', fact_zone) from {FactTables.Schema(session.DocumentStore)}.{Table} where ngo = ?", ct, ngo))
        .SingleOrDefault() ?? NgoZone.Default;

    /// <summary>
    /// Queues the NGO's choice of <paramref name="zone"/> at <paramref name="at"/>; an older choice arriving late changes
    /// nothing. The rollups stay in the zone they are in until the mover moves them (a new NGO's too: facts may be there first).
    /// </summary>
    public static void Choose(IDocumentSession session, string ngo, string zone, DateTimeOffset at) => session.QueueSqlCommand($"""
        insert into {FactTables.Schema(session.DocumentStore)}.{Table} as t (ngo, zone, chosen_at, fact_zone) values (?, ?, ?, '{NgoTimeZones.Default}')
        on conflict (ngo) do update set zone = excluded.zone, chosen_at = excluded.chosen_at where t.chosen_at < excluded.chosen_at
        """, ngo, zone, at);

    /// <summary>A writer's rows <c>x</c> joined with their NGO's zone: <c>z.fact_zone</c>, null for the default.</summary>
    public static string JoinZone(string schema) => $"left join {schema}.{Table} z on z.ngo = x.ngo";

    /// <summary>The local day of <paramref name="at"/> in the rollup zone of a row joined by <see cref="JoinZone"/>.</summary>
    public static string DayOf(string at) => $"({at} at time zone coalesce(z.fact_zone, '{NgoTimeZones.Default}'))::date";

    /// <summary>
    /// Queues, before a writer's rows of <paramref name="ngos"/>, the shared lock that keeps the mover out of those NGOs
    /// until the writer commits (and the writer out while one moves), so every row's day is in its NGO's rollup zone.
    /// A statement of its own: the writer's next statement then reads the zone as of after the lock.
    /// </summary>
    public static void HoldOff(IDocumentSession session, IEnumerable<string> ngos)
    {
        var schema = FactTables.Schema(session.DocumentStore);
        session.QueueSqlCommand($"select pg_advisory_xact_lock_shared(hashtext('{schema}:zone:' || n)) from unnest(?::text[]) n",
            (object)ngos.Distinct().Order(StringComparer.Ordinal).ToArray()); // one array parameter, not the params list
    }

    /// <summary>The exclusive counterpart of <see cref="HoldOff"/>, for the mover.</summary>
    public static string MoveLock(string schema) => $"select pg_advisory_xact_lock(hashtext('{schema}:zone:' || $1))";
}
