using Donations.Reporting.Reports;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Marten;
using Microsoft.Extensions.Options;

namespace Donations.Reporting.Reconciliation;

public sealed record ReconciliationLine(
    string Provider, string Currency, string Status, int AcceptedDonations, long AcceptedMinor, long AcceptedRefundedMinor, long AcceptedNetMinor,
    int ReportedDonations, long ReportedMinor, long ReportedRefundedMinor, long ReportedNetMinor, long DifferenceMinor,
    int PendingDonations, int MismatchedDonations, int RefundsAwaitingPayment)
{
    public static ReconciliationLine Of(ReconciliationRow r)
    {
        long accepted = r.AcceptedMinor - r.AcceptedRefundedMinor, reported = r.ReportedMinor - r.ReportedRefundedMinor;
        return new ReconciliationLine(r.Provider, r.Currency, Reconciliations.Status(r.Mismatched, r.Pending + r.AwaitingPayment),
            r.AcceptedDonations, r.AcceptedMinor, r.AcceptedRefundedMinor, accepted, r.ReportedDonations, r.ReportedMinor, r.ReportedRefundedMinor,
            reported, accepted - reported, r.Pending, r.Mismatched, r.AwaitingPayment);
    }
}

/// <summary>
/// The answer to "does every kopeck accepted show in the reports?": per provider and currency, and the donations that
/// differ (first the mismatched, at most <see cref="ReconciliationQuery.DifferencesShown"/>).
/// </summary>
public sealed record ReconciliationReport(
    string NgoId, string Status, DateTimeOffset CheckedAt, int GraceSeconds, IReadOnlyList<ReconciliationLine> Lines,
    IReadOnlyList<DonationDifference> Differences);

public static class Reconciliations
{
    public const string Balanced = "balanced", Pending = "pending", Mismatched = "mismatched";

    public static string Status(int mismatched, int pending) => mismatched > 0 ? Mismatched : pending > 0 ? Pending : Balanced;

    public static void MapReconciliation(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/ngos/{ngo}/reconciliation", Reconcile).RequireNgoKey(NgoRoles.Viewer).WithTags("Reconciliation");

    private static async Task<IResult> Reconcile(
        string ngo, string? format, IQuerySession session, IOptions<ReconciliationOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (format is not (null or "json" or "csv" or "xlsx")) return Problems.BadRequest("'format' is 'json' (the default), 'csv' or 'xlsx'.");
        var grace = options.Value.GraceSeconds;
        var lines = (await ReconciliationQuery.RowsAsync(session, ngo, grace, ct)).Select(ReconciliationLine.Of).ToList();
        var status = Status(lines.Sum(l => l.MismatchedDonations), lines.Sum(l => l.PendingDonations + l.RefundsAwaitingPayment));
        // Every donation that is not matched is counted in some line: when all are matched there is nothing to list.
        var differences = status == Balanced ? [] : await ReconciliationQuery.DifferencesAsync(session, ngo, grace, ct);
        var report = new ReconciliationReport(ngo, status, clock.GetUtcNow(), grace, lines, differences);
        // The download is the per provider and currency table; the differences are the JSON's.
        return format is "csv" or "xlsx"
            ? Csv.File("reconciliation", ["provider", "currency", "status", "accepted_donations", "accepted", "accepted_refunded", "accepted_net", "reported_donations",
                    "reported", "reported_refunded", "reported_net", "difference", "pending", "mismatched", "refunds_awaiting_payment"],
                lines.Select(l => new[]
                {
                    l.Provider, l.Currency, l.Status, l.AcceptedDonations.ToString(), Csv.Major(l.AcceptedMinor, l.Currency), Csv.Major(l.AcceptedRefundedMinor, l.Currency),
                    Csv.Major(l.AcceptedNetMinor, l.Currency), l.ReportedDonations.ToString(), Csv.Major(l.ReportedMinor, l.Currency),
                    Csv.Major(l.ReportedRefundedMinor, l.Currency), Csv.Major(l.ReportedNetMinor, l.Currency), Csv.Major(l.DifferenceMinor, l.Currency),
                    l.PendingDonations.ToString(), l.MismatchedDonations.ToString(), l.RefundsAwaitingPayment.ToString(),
                }))
            : TypedResults.Ok(report);
    }
}
