using Donations.ServiceDefaults.Http;

namespace Donations.Reporting.Reports;

/// <summary>
/// What every report takes: an optional period of calendar days (<c>from</c>, <c>to</c>, inclusive, in the NGO's time
/// zone, by when the donation was made), <c>asOf</c> (answer as the report would have then), and <c>format=csv</c>.
/// </summary>
public sealed record ReportQuery(string Ngo, DateOnly? From, DateOnly? To, DateTimeOffset? AsOf, string TimeZone, bool Csv)
{
    public const string DefaultTimeZone = "Europe/Moscow";

    public static (ReportQuery? Query, IResult? Problem) Of(
        string ngo, DateOnly? from, DateOnly? to, DateTimeOffset? asOf, string? format, string? timeZone)
    {
        if (from > to) return (null, Problems.BadRequest("'from' must not be after 'to'."));
        if (format is not (null or "json" or "csv")) return (null, Problems.BadRequest("'format' is 'json' (the default) or 'csv'."));
        var zone = timeZone ?? DefaultTimeZone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)) return (null, Problems.BadRequest($"'timeZone' '{zone}' is not an IANA time zone such as Europe/Moscow."));
        return (new ReportQuery(ngo, from, to, asOf, zone, format == "csv"), null);
    }
}
