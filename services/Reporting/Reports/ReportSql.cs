using Donations.Reporting.Catalog;
using Donations.Reporting.Donations;
using Marten;

namespace Donations.Reporting.Reports;

/// <summary>
/// The donations a report counts, as SQL over Reporting's own documents: the latest decision about each donation, or
/// with <c>asOf</c> the latest revision decided by then, restricted to the period. Every report starts from this
/// <c>donations</c> relation (one row per donation, credits as a JSON array) or its <c>credits</c> (one row per
/// credit; a fundraiser's credit counts for the fundraiser's campaign even if it was decided before Attribution
/// knew the campaign) and aggregates it in PostgreSQL.
/// </summary>
public sealed class ReportSql
{
    private readonly List<object> _parameters = [];
    private readonly IQuerySession _session;
    private readonly string _zone;

    public ReportQuery Query { get; }
    public string Donations { get; }

    public ReportSql(IQuerySession session, ReportQuery query)
    {
        _session = session;
        Query = query;
        // Validated as an existing IANA zone by ReportQuery, and quoted: safe to inline.
        _zone = $"'{query.TimeZone.Replace("'", "")}'";
        var latest = query.AsOf is { } asOf
            ? $"""
               select distinct on (data->>'donationId') data->'decision' as d from {Table<LedgerEntry>()}
               where data->>'ngoId' = {Param(query.Ngo)} and (data->>'decidedAt')::timestamptz <= {Param(asOf)}
               order by data->>'donationId', (data->>'revision')::int desc
               """
            : $"select data->'latest' as d from {Table<DonationView>()} where data->>'ngoId' = {Param(query.Ngo)}";
        var day = Day("(d->>'occurredAt')::timestamptz");
        var period = (query.From is { } from ? $" and {day} >= {Param(from)}" : "") + (query.To is { } to ? $" and {day} <= {Param(to)}" : "");
        Donations = $"""
            with latest as ({latest}),
            donations as (
              select d->>'donationId' as id, d->>'currency' as currency, (d->>'occurredAt')::timestamptz as occurred_at, {day} as day,
                     (d->>'amountMinor')::bigint as amount, (d->>'refundedMinor')::bigint as refunded, coalesce((d->>'feeMinor')::bigint, 0) as fee,
                     d->>'status' as status, coalesce(d->>'reason', '') as reason, d->>'provider' as provider,
                     coalesce(d->>'donorId', d->>'donationId') as donor, d->'credits' as credits
              from latest where true{period}),
            credits as (
              select dn.id, dn.currency, dn.day, dn.occurred_at, dn.donor, c->>'postId' as post,
                     coalesce(c->>'campaignId', f.data->>'campaignId') as campaign, c->>'fundraiserId' as fundraiser, (c->>'amountMinor')::bigint as amount
              from donations dn cross join lateral jsonb_array_elements(dn.credits) c
              left join {Table<FundraiserView>()} f on f.data->>'ngoId' = {Param(query.Ngo)} and f.data->>'fundraiserId' = c->>'fundraiserId')
            """;
    }

    private string Param(object value)
    {
        _parameters.Add(value);
        return "?";
    }

    public string Table<T>() => _session.DocumentStore.Options.Schema.For<T>(true);

    /// <summary>The local-day expression of a timestamp, in the report's time zone.</summary>
    public string Day(string timestamp) => $"(({timestamp}) at time zone {_zone})::date";

    /// <summary>
    /// A filter on a timestamp column for the report's period and <c>asOf</c> (facts that had happened by then), with
    /// its parameters; for catalog facts such as clicks and spend.
    /// </summary>
    public (string Sql, object[] Parameters) Period(string timestamp)
    {
        var sql = "";
        var parameters = new List<object>();
        if (Query.From is { } from) { sql += $" and {Day(timestamp)} >= ?"; parameters.Add(from); }
        if (Query.To is { } to) { sql += $" and {Day(timestamp)} <= ?"; parameters.Add(to); }
        if (Query.AsOf is { } asOf) { sql += $" and ({timestamp}) <= ?"; parameters.Add(asOf); }
        return (sql, parameters.ToArray());
    }

    /// <summary>
    /// Runs <paramref name="select"/> after the common relations; it returns one JSON object per row, and its own
    /// <c>?</c> placeholders take <paramref name="parameters"/>, in order.
    /// </summary>
    public async Task<IReadOnlyList<T>> RowsAsync<T>(string select, CancellationToken ct, params object[] parameters) =>
        await _session.AdvancedSql.QueryAsync<T>($"{Donations}\n{select}", ct, [.. _parameters, .. parameters]);
}
