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
        // Now: the duplicated columns of each donation's view; the JSON is read only for credits of attributed
        // donations. As of a past moment: the latest revision decided by then, from the history's JSON. Both give the
        // same relations.
        Donations = query.AsOf is { } asOf
            ? $"""
               with latest as (
                 select distinct on (data->>'donationId') data->'decision' as d from {Table<LedgerEntry>()}
                 where data->>'ngoId' = {Param(query.Ngo)} and (data->>'decidedAt')::timestamptz <= {Param(asOf)}
                 order by data->>'donationId', (data->>'revision')::int desc),
               donations as (
                 select d->>'donationId' as id, d->>'currency' as currency, (d->>'occurredAt')::timestamptz as occurred_at,
                        {Day("(d->>'occurredAt')::timestamptz")} as day, (d->>'amountMinor')::bigint as amount,
                        (d->>'refundedMinor')::bigint as refunded, coalesce((d->>'feeMinor')::bigint, 0) as fee, d->>'status' as status,
                        coalesce(d->>'reason', '') as reason, d->>'provider' as provider, coalesce(d->>'donorId', d->>'donationId') as donor,
                        (select coalesce(sum((c->>'amountMinor')::bigint), 0) from jsonb_array_elements(d->'credits') c) as attributed,
                        d->'credits' as credits
                 from latest where true{Days("(d->>'occurredAt')::timestamptz")}),
               credited as (select * from donations),
               """
            : $"""
               with donations as (
                 select id::text as id, currency, occurred_at, {Day("occurred_at")} as day, amount_minor as amount, refunded_minor as refunded,
                        fee_minor as fee, status, coalesce(reason, '') as reason, provider, coalesce(donor_id, id::text) as donor,
                        attributed_minor as attributed, case when status = 'attributed' then id end as credited
                 from {Table<DonationView>()} where ngo_id = {Param(query.Ngo)}{Days("occurred_at")}),
               credited as (
                 select dn.*, v.data->'latest'->'credits' as credits
                 from donations dn join {Table<DonationView>()} v on v.id = dn.credited),
               """;
        Donations += $"""

            credits as (
              select dn.id, dn.currency, dn.day, dn.occurred_at, dn.donor, c->>'postId' as post,
                     coalesce(c->>'campaignId', f.data->>'campaignId') as campaign, c->>'fundraiserId' as fundraiser, (c->>'amountMinor')::bigint as amount
              from credited dn cross join lateral jsonb_array_elements(dn.credits) c
              left join {Table<FundraiserView>()} f on f.data->>'ngoId' = {Param(query.Ngo)} and f.data->>'fundraiserId' = c->>'fundraiserId')
            """;
    }

    private string Param(object value)
    {
        _parameters.Add(value);
        return "?";
    }

    /// <summary>The report's from/to as a filter on when donations were made, bound in order with the relation's parameters.</summary>
    private string Days(string timestamp) =>
        (Query.From is { } from ? $" and {Day(timestamp)} >= {Param(from)}" : "") + (Query.To is { } to ? $" and {Day(timestamp)} <= {Param(to)}" : "");

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
