using Donations.Contracts.Ingestion;
using Donations.Reporting.Facts;
using Donations.ServiceDefaults.Http;

namespace Donations.Reporting.Reports;

/// <summary>
/// What every report takes: an optional period of calendar days (<c>from</c>, <c>to</c>, inclusive, by when the donation
/// was made, in the NGO's time zone unless <c>timeZone</c> names another), <c>asOf</c> (answer as the report would have
/// then), and <c>format=csv</c> or <c>format=xlsx</c> (a table to download). <see cref="FactZone"/>: the zone the NGO's
/// rollups count days in; a report in another zone reads the fact rows.
/// </summary>
public sealed record ReportQuery(string Ngo, DateOnly? From, DateOnly? To, DateTimeOffset? AsOf, string TimeZone, bool Csv, string FactZone)
{
    private TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The calendar day of <paramref name="at"/> in the report's time zone.</summary>
    public DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>Whether <paramref name="at"/> falls on a day of the period, in the report's time zone.</summary>
    public bool Covers(DateTimeOffset at)
    {
        var day = LocalDay(at);
        return (From is null || day >= From) && (To is null || day <= To);
    }

    /// <summary>Whether <c>format</c> asks for a table to download rather than JSON.</summary>
    public static bool IsFile(string? format) => format is "csv" or "xlsx";

    /// <summary>The query, its zone the NGO's own (<see cref="NgoZones.LoadAsync"/>) unless <c>timeZone</c> is given; or the problem with it.</summary>
    public static async Task<(ReportQuery? Query, IResult? Problem)> OfAsync(
        Marten.IQuerySession session, string ngo, string? fromText, string? toText, string? asOfText, string? format, string? timeZone, CancellationToken ct) =>
        Of(ngo, fromText, toText, asOfText, format, timeZone, await NgoZones.LoadAsync(session, ngo, ct));

    public static (ReportQuery? Query, IResult? Problem) Of(
        string ngo, string? fromText, string? toText, string? asOfText, string? format, string? timeZone, NgoZone ngoZone)
    {
        var invalid = new[] { QueryValues.Date("from", fromText, out var from), QueryValues.Date("to", toText, out var to), QueryValues.Moment("asOf", asOfText, out var asOf) }
            .FirstOrDefault(p => p is not null);
        if (invalid is not null) return (null, invalid);
        if (from > to) return (null, Problems.BadRequest("'from' must not be after 'to'."));
        if (format is not (null or "json" or "csv" or "xlsx")) return (null, Problems.BadRequest("'format' is 'json' (the default), 'csv' or 'xlsx'."));
        var zone = timeZone ?? ngoZone.Chosen;
        if (!NgoTimeZones.IsIana(zone)) return (null, Problems.BadRequest($"'timeZone' '{zone}' {NgoTimeZones.Rule}."));
        return (new ReportQuery(ngo, from, to, asOf, zone, IsFile(format), ngoZone.Facts), null);
    }
}

/// <summary>Query parameters read by hand, so that a value of the wrong form gets a problem naming it and its form.</summary>
public static class QueryValues
{
    public static IResult? Date(string name, string? text, out DateOnly? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            value = date;
            return null;
        }
        return Problems.BadRequest($"'{name}' must be a calendar date as yyyy-MM-dd, such as 2026-11-01; '{text}' is not.");
    }

    public static IResult? Moment(string name, string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text)) return null;
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
        {
            value = at;
            return null;
        }
        return Problems.BadRequest($"'{name}' must be an ISO 8601 moment, such as 2026-11-20T12:00:00+03:00; '{text}' is not.");
    }
}
