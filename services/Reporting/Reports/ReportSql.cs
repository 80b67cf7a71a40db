using System.Globalization;
using Donations.Reporting.Facts;
using Marten;

namespace Donations.Reporting.Reports;

/// <summary>
/// The money a report counts, as SQL over Reporting's fact rows and rollups (<see cref="FactTables"/>), never over
/// donation documents. <see cref="Rows"/> is a relation of unsummed rows <c>(day, currency, provider, status, reason,
/// dim, key, gross, refunded, fee, attributed, donations)</c> for the report's period and <c>asOf</c>; a report sums it
/// per group and keeps groups with <c>sum(donations) &gt; 0</c>. The relation reads, cheapest first: the all-time
/// totals (no period, no asOf); the day rollup (a period in the NGO's zone — for credit alone, the key day rollup; asOf takes the days recorded before asOf's
/// UTC day — as whole months recorded before its month, when no day is asked for — and that day's own facts up to
/// asOf); the fact rows themselves (a period in another zone).
/// </summary>
public sealed class ReportSql
{
    private readonly IQuerySession _session;
    private readonly string _schema;
    private readonly string _zone;

    public ReportQuery Query { get; }

    /// <summary>The zone of the NGO's rollups: their days are the report's days.</summary>
    private bool NgoZone => Query.TimeZone == Query.FactZone;

    public ReportSql(IQuerySession session, ReportQuery query)
    {
        _session = session;
        Query = query;
        var table = Table<Donations.DonationView>();
        _schema = table[..table.LastIndexOf('.')];
        // Validated as an existing IANA zone by ReportQuery, and quoted: safe to inline.
        _zone = Literal(query.TimeZone);
    }

    /// <summary>A string as an SQL literal (standard-conforming strings: only quotes need doubling).</summary>
    public static string Literal(string value) => $"'{value.Replace("'", "''")}'";

    private static string Moment(DateTimeOffset at) => $"'{at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}'::timestamptz";

    private static DateOnly FirstOfMonth(DateOnly day) => new(day.Year, day.Month, 1);

    private static string Date(DateOnly day) => $"'{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'::date";

    public string Ngo => Literal(Query.Ngo);

    /// <summary>
    /// The rows of <paramref name="dims"/> (and <paramref name="key"/>, when given) for the period and asOf, and for
    /// donations made in [<paramref name="since"/>, <paramref name="until"/>) — or up to and including
    /// <paramref name="until"/> when <paramref name="untilInclusive"/>. <paramref name="byDay"/>: the rows need their day.
    /// <paramref name="creditOnly"/>: the caller reads only <c>attributed</c> and <c>donations</c> of posts, campaigns or
    /// fundraisers, so whole days without asOf come from the key day rollup (the other measures are 0 there).
    /// </summary>
    public string Rows(string[] dims, bool byDay = false, string? key = null, DateTimeOffset? since = null, DateTimeOffset? until = null, bool untilInclusive = false,
        bool creditOnly = false) =>
        Rows(dims, byDay, key is null ? null : Literal(key), Bound(since), Bound(until), untilInclusive, creditOnly);

    /// <summary>A moment as SQL, with its local day in the report's zone and its UTC day.</summary>
    private sealed record SqlBound(string Moment, string Day, string UtcDay);

    private SqlBound? Bound(DateTimeOffset? at) =>
        at is { } a ? new SqlBound(Moment(a), Date(Query.LocalDay(a)), Date(DateOnly.FromDateTime(a.UtcDateTime))) : null;

    /// <summary><see cref="Rows(string[], bool, string?, DateTimeOffset?, DateTimeOffset?, bool, bool)"/> with the key and bounds as SQL (columns of an outer row, for a lateral join).</summary>
    private string Rows(string[] dims, bool byDay, string? key, SqlBound? since, SqlBound? until, bool untilInclusive, bool creditOnly)
    {
        var where = $"ngo = {Ngo} and dim in ({string.Join(", ", dims.Select(Literal))}){(key is null ? "" : $" and key = {key}")}";
        const string columns = "currency, provider, status, reason, dim, key, gross, refunded, fee, attributed, donations";
        var window = since is not null || until is not null;
        // Another zone's days, or a window inside days: only the fact rows know the moment.
        if (!NgoZone)
            return $"(select {Day("occurred_at")} as day, {columns} from {_schema}.{FactTables.Facts} where {where}{AsOfFilter()}{Days(Day("occurred_at"))}{Window("occurred_at", since, until, untilInclusive)})";
        if (!byDay && !window && Query is { AsOf: null, From: null, To: null })
            return $"(select null::date as day, {columns} from {_schema}.{FactTables.Totals} where {where})";

        // Whole days from the rollup; the boundary days of a window from the fact rows.
        var inner = (since is { } a ? $" and day > {a.Day}" : "") + (until is { } b ? $" and day < {b.Day}" : "");
        var boundary = window
            ? $" and ({string.Join(" or ", new[] { since, until }.OfType<SqlBound>().Select(d => d.Day).Distinct().Select(d => $"day = {d}"))}){Window("occurred_at", since, until, untilInclusive)}"
            : null;
        var parts = new List<string>();
        if (Query.AsOf is { } asOf)
        {
            var recordedDay = DateOnly.FromDateTime(asOf.UtcDateTime);
            var month = FirstOfMonth(recordedDay);
            // No day asked for: the months recorded before asOf's, then the days of its month before its day.
            if (!byDay && !window && Query is { From: null, To: null })
            {
                parts.Add($"select null::date as day, {columns} from {_schema}.{FactTables.RecordedMonths} where {where} and month < {Date(month)}");
                parts.Add($"select day, {columns} from {_schema}.{FactTables.Days} where {where} and recorded_day >= {Date(month)} and recorded_day < {Date(recordedDay)}");
            }
            else parts.Add($"select day, {columns} from {_schema}.{FactTables.Days} where {where} and recorded_day < {Date(recordedDay)}{Days("day")}{inner}");
            parts.Add($"select day, {columns} from {_schema}.{FactTables.Facts} where {where} and recorded_at >= {Date(recordedDay)}::timestamp at time zone 'UTC' and recorded_at <= {Moment(asOf)}{Days("day")}{inner}");
            if (boundary is not null)
                parts.Add($"select day, {columns} from {_schema}.{FactTables.Facts} where {where} and recorded_at <= {Moment(asOf)}{Days("day")}{boundary}");
        }
        else
        {
            var days = creditOnly && !dims.Contains(FactDims.Donation)
                ? $"(select ngo, day, currency, ''::text as provider, ''::text as status, ''::text as reason, dim, key, 0::bigint as gross, 0::bigint as refunded, 0::bigint as fee, attributed, donations from {_schema}.{FactTables.KeyDays}) kd"
                : $"{_schema}.{FactTables.Days}";
            parts.Add($"select day, {columns} from {days} where {where}{Days("day")}{inner}");
            if (boundary is not null) parts.Add($"select day, {columns} from {_schema}.{FactTables.Facts} where {where}{Days("day")}{boundary}");
        }
        return $"({string.Join(" union all ", parts)})";
    }

    /// <summary>
    /// Each fundraiser's credit in its currency from donations made by its deadline, as <c>(key, currency, attributed,
    /// donations, donors)</c>: one lateral join over a <c>values</c> list, so it is planned once however many fundraisers.
    /// </summary>
    public string Raised(IReadOnlyCollection<(string Key, string Currency, DateTimeOffset Deadline)> fundraisers)
    {
        var values = string.Join(", ", from f in fundraisers let b = Bound(f.Deadline)! select $"({Literal(f.Key)}, {Literal(f.Currency)}, {b.Moment}, {b.Day}, {b.UtcDay})");
        var deadline = new SqlBound("f.deadline", "f.deadline_day", "f.deadline_utc_day");
        return $"""
            select f.key, f.currency, case when m.n > 0 then m.a else 0 end as attributed, coalesce(m.n, 0) as donations, coalesce(d.donors, 0) as donors
            from (values {values}) f(key, currency, deadline, deadline_day, deadline_utc_day)
            cross join lateral (select sum(attributed) as a, sum(donations) as n
                                from {Rows([FactDims.Fundraiser], false, "f.key", null, deadline, true, true)} x where x.currency = f.currency) m
            cross join lateral (select sum(donors) as donors from {Donors(FactDims.Fundraiser, "f.key", "f.currency", deadline)} x) d
            """;
    }

    /// <summary>
    /// Distinct donors behind each key of <paramref name="dim"/> (across currencies unless <paramref name="currency"/>), as
    /// <c>(key, donors)</c>, for donations made by <paramref name="until"/> (inclusive). All time: the counts. asOf: the
    /// days recorded before asOf's UTC day and that day's moments a donor started or stopped counting. By a deadline
    /// in one currency: the donors whose first donation that counts was made by then (per UTC day, and the deadline's day). A period of
    /// posts: the spans between each donor's active days. Otherwise (a deadline with asOf, a period of another dimension or
    /// with asOf): the fact rows, grouped per donor — a cost that grows with the period's credits.
    /// </summary>
    public string Donors(string dim, string? key = null, string? currency = null, DateTimeOffset? until = null) =>
        Donors(dim, key is null ? null : Literal(key), currency is null ? null : Literal(currency), Bound(until));

    private string Donors(string dim, string? key, string? currency, SqlBound? until)
    {
        var where = $"ngo = {Ngo} and dim = {Literal(dim)}{(key is null ? "" : $" and key = {key}")}";
        if (currency is null && until is null && Query is { AsOf: null, From: null, To: null })
            return $"(select key, donors from {_schema}.{FactTables.DonorCounts} where {where})";
        if (currency is null && until is null && Query is { AsOf: { } asOf, From: null, To: null } && FactTables.DonorDims.Contains(dim))
        {
            var utcDay = DateOnly.FromDateTime(asOf.UtcDateTime);
            var (recordedDay, month) = (Date(utcDay), Date(FirstOfMonth(utcDay)));
            return $"""
                (select key, sum(donors) as donors from (
                   select key, donors from {_schema}.{FactTables.DonorRecordedMonths} where {where} and month < {month}
                   union all select key, donors from {_schema}.{FactTables.DonorRecorded} where {where} and recorded_day >= {month} and recorded_day < {recordedDay}
                   union all select key, donors from {_schema}.{FactTables.DonorMoments}
                   where {where} and recorded_at >= {recordedDay}::timestamp at time zone 'UTC' and recorded_at <= {Moment(asOf)}) x group by key)
                """;
        }
        if (currency is not null && until is { } deadline && Query is { AsOf: null, From: null, To: null } && dim == FactDims.Fundraiser)
        {
            // The UTC days before the deadline's from their counts, the deadline's own day from the donors' first moments.
            var inCurrency = $"{where} and currency = {currency}";
            return $"""
                (select key, sum(donors) as donors from (
                   select key, donors from {_schema}.{FactTables.DonorFirstDays} where {inCurrency} and day < {deadline.UtcDay}
                   union all select key, count(*) from {_schema}.{FactTables.DonorFirsts}
                   where {inCurrency} and first_at >= {deadline.UtcDay}::timestamp at time zone 'UTC' and first_at <= {deadline.Moment} group by key) x group by key)
                """;
        }
        if (currency is null && until is null && dim == FactDims.Post && NgoZone && Query.AsOf is null)
            return $"(select post as key, sum(donors) as donors from {_schema}.{FactTables.PostDonorSpans} where ngo = {Ngo}{(key is null ? "" : $" and post = {Literal(key)}")}{Spanned()} group by post)";
        var day = NgoZone ? "day" : Day("occurred_at");
        return $"""
            (select key, count(*) as donors from (
               select key, donor from {_schema}.{FactTables.Facts}
               where {where}{(currency is null ? "" : $" and currency = {currency}")}{AsOfFilter()}{Days(day)}{Window("occurred_at", null, until, true)}
               group by key, donor having sum(donations) > 0) d group by key)
            """;
    }

    /// <summary>
    /// Clicks per post for the period and asOf (clicks made by then), as <c>(key, humans, bots, paid, people)</c>. All
    /// time: the totals and the people counts. asOf: the rollup's days before asOf's (its own day from the click rows),
    /// people from the days of their first clicks. A period: the rollup's days, and the people from the spans between
    /// their active days (with asOf too, the click rows of the period: a cost that grows with its clicks). Another zone: the click rows.
    /// </summary>
    public string Clicks()
    {
        var clicks = $"{_schema}.{FactTables.Clicks}";
        var clickDays = $"{_schema}.{FactTables.ClickDays}";
        if (Query is { AsOf: null, From: null, To: null })
            return $"""
                (select d.post as key, d.humans, d.bots, d.paid, coalesce(p.people, 0) as people from {_schema}.{FactTables.ClickTotals} d
                 left join {_schema}.{FactTables.ClickPeopleCounts} p on p.ngo = {Ngo} and p.post = d.post where d.ngo = {Ngo})
                """;
        var day = NgoZone ? "day" : Day("clicked_at");
        var made = Query.AsOf is { } at ? $" and clicked_at <= {Moment(at)}" : "";
        const string counts = "count(*) filter (where not bot) as humans, count(*) filter (where bot) as bots, count(*) filter (where paid) as paid";
        string rows;
        if (!NgoZone) rows = $"select post, {counts} from {clicks} where ngo = {Ngo}{Days(day)}{made} group by post";
        else if (Query.AsOf is { } asOf)
        {
            var localDay = Query.LocalDay(asOf);
            var asOfDay = Date(localDay);
            // Without a period: the months before asOf's (local) month, then its days before asOf's day.
            var before = Query is { From: null, To: null }
                ? $"""
                  select post, humans, bots, paid from {_schema}.{FactTables.ClickMonths} where ngo = {Ngo} and month < {Date(FirstOfMonth(localDay))}
                  union all select post, humans, bots, paid from {clickDays} where ngo = {Ngo} and day >= {Date(FirstOfMonth(localDay))} and day < {asOfDay}
                  """
                : $"select post, humans, bots, paid from {clickDays} where ngo = {Ngo} and day < {asOfDay}{Days("day")}";
            rows = $"""
                select post, sum(humans) as humans, sum(bots) as bots, sum(paid) as paid from (
                  {before}
                  union all select post, {counts} from {clicks} where ngo = {Ngo} and day = {asOfDay}{made}{Days("day")} group by post) x group by post
                """;
        }
        else rows = $"select post, sum(humans) as humans, sum(bots) as bots, sum(paid) as paid from {clickDays} where ngo = {Ngo}{Days("day")} group by post";
        // People by asOf without a period: those whose first click was made by then (months and days before asOf's from the rollups).
        var people = NgoZone && Query is { AsOf: { } first, From: null, To: null }
            ? $"""
              select post, sum(people) as people from (
                select post, people from {_schema}.{FactTables.ClickPeopleMonths} where ngo = {Ngo} and month < {Date(FirstOfMonth(Query.LocalDay(first)))}
                union all select post, people from {_schema}.{FactTables.ClickPeopleDays}
                where ngo = {Ngo} and day >= {Date(FirstOfMonth(Query.LocalDay(first)))} and day < {Date(Query.LocalDay(first))}
                union all select post, count(*) from {_schema}.{FactTables.ClickFirsts}
                where ngo = {Ngo} and day = {Date(Query.LocalDay(first))} and first_at <= {Moment(first)} group by post) y group by post
              """
            : NgoZone && Query.AsOf is null
                ? $"select post, sum(people) as people from {_schema}.{FactTables.ClickPeopleSpans} where ngo = {Ngo}{Spanned()} group by post"
                : $"select post, count(distinct visitor) as people from {clicks} where ngo = {Ngo} and not bot{Days(day)}{made} group by post";
        return $"""
            (select c.post as key, c.humans, c.bots, c.paid, coalesce(p.people, 0) as people from ({rows}) c
             left join ({people}) p on p.post = c.post)
            """;
    }

    /// <summary>The spans (<see cref="FactTables.SpanCounts"/>) that count each person active in the period once: its first active day in it.</summary>
    private string Spanned() => Days("day") + (Query.From is { } from ? $" and prev_day < {Date(from)}" : " and prev_day = '-infinity'");

    private string AsOfFilter() => Query.AsOf is { } asOf ? $" and recorded_at <= {Moment(asOf)}" : "";

    private string Days(string day) =>
        (Query.From is { } from ? $" and {day} >= {Date(from)}" : "") + (Query.To is { } to ? $" and {day} <= {Date(to)}" : "");

    private static string Window(string at, SqlBound? since, SqlBound? until, bool untilInclusive) =>
        (since is { } s ? $" and {at} >= {s.Moment}" : "") + (until is { } u ? $" and {at} {(untilInclusive ? "<=" : "<")} {u.Moment}" : "");

    public string Table<T>() => _session.DocumentStore.Options.Schema.For<T>(true);

    /// <summary>The local-day expression of a timestamp, in the report's time zone.</summary>
    public string Day(string timestamp) => $"(({timestamp}) at time zone {_zone})::date";

    /// <summary>
    /// A filter on a timestamp column for the report's period and <c>asOf</c> (facts that had happened by then), with
    /// its parameters; for catalog facts such as clicks and spend.
    /// </summary>
    public (string Sql, object[] Parameters) Period(string timestamp, bool asOf = true)
    {
        var sql = "";
        var parameters = new List<object>();
        if (Query.From is { } from) { sql += $" and {Day(timestamp)} >= ?"; parameters.Add(from); }
        if (Query.To is { } to) { sql += $" and {Day(timestamp)} <= ?"; parameters.Add(to); }
        if (asOf && Query.AsOf is { } at) { sql += $" and ({timestamp}) <= ?"; parameters.Add(at); }
        return (sql, parameters.ToArray());
    }

    /// <summary>
    /// Runs <paramref name="select"/>, which returns one JSON object per row; its <c>?</c> placeholders take <paramref name="parameters"/>.
    /// On a session of its own, so a report may run its independent statements at once (each holds a connection only while it runs).
    /// </summary>
    public async Task<IReadOnlyList<T>> RowsAsync<T>(string select, CancellationToken ct, params object[] parameters)
    {
        await using var session = _session.DocumentStore.QuerySession();
        return await session.AdvancedSql.QueryAsync<T>(select, ct, parameters);
    }
}
