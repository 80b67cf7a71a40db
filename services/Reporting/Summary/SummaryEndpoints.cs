using Donations.Reporting.Donations;
using Donations.ServiceDefaults.Security;
using Marten;

namespace Donations.Reporting.Summary;

public static class SummaryEndpoints
{
    public static void MapSummary(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/ngos/{ngo}/reports/summary", Get).RequireNgoKey(NgoRoles.Viewer).WithTags("Reports");

    /// <summary>Per currency: gross, refunded, net, attributed and unattributed; with <c>asOf</c>, as it stood then.</summary>
    private static async Task<SummaryReport> Get(string ngo, DateTimeOffset? asOf, IQuerySession session, CancellationToken ct)
    {
        if (asOf is null)
        {
            var summaries = await session.Query<CurrencySummary>().Where(s => s.NgoId == ngo).OrderBy(s => s.Currency).ToListAsync(ct);
            return new SummaryReport(summaries.Select(CurrencyTotals.Of).ToList());
        }

        // The latest revision of each donation decided by then, summed per currency, in the database.
        var table = session.DocumentStore.Options.Schema.For<LedgerEntry>(true);
        var rows = await session.AdvancedSql.QueryAsync<CurrencySummary>($"""
            select jsonb_build_object('currency', currency, 'grossMinor', sum(amount), 'refundedMinor', sum(refunded),
                                      'attributedMinor', sum(attributed), 'donations', count(*))
            from (select distinct on (data->>'donationId') data->>'currency' as currency, (data->>'amountMinor')::bigint as amount,
                         (data->>'refundedMinor')::bigint as refunded, (data->>'attributedMinor')::bigint as attributed
                  from {table}
                  where data->>'ngoId' = ? and (data->>'decidedAt')::timestamptz <= ?
                  order by data->>'donationId', (data->>'revision')::int desc) latest
            group by currency order by currency
            """, ct, ngo, asOf.Value);
        return new SummaryReport(rows.Select(CurrencyTotals.Of).ToList());
    }
}
