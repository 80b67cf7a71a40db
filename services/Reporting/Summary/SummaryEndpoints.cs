using Donations.ServiceDefaults.Security;
using Marten;

namespace Donations.Reporting.Summary;

public static class SummaryEndpoints
{
    public static void MapSummary(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/ngos/{ngo}/reports/summary", Get).RequireNgoKey(NgoRoles.Viewer).WithTags("Reports");

    private static async Task<SummaryReport> Get(string ngo, IQuerySession session, CancellationToken ct)
    {
        var summaries = await session.Query<CurrencySummary>().Where(s => s.NgoId == ngo).OrderBy(s => s.Currency).ToListAsync(ct);
        return new SummaryReport(summaries.Select(CurrencyTotals.Of).ToList());
    }
}
