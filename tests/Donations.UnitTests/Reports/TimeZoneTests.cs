using Donations.Contracts.Ingestion;
using Donations.Reporting.Facts;
using Donations.Reporting.Reports;

namespace Donations.UnitTests.Reports;

/// <summary>Which zones an NGO may choose, and which zone a report counts days in.</summary>
public class TimeZoneTests
{
    [Theory]
    [InlineData("Europe/Moscow", true)]
    [InlineData("Asia/Vladivostok", true)]
    [InlineData("Etc/GMT+12", true)]
    [InlineData("Russian Standard Time", false)] // a Windows id: other services compare zones as text
    [InlineData("europe/moscow", false)]
    [InlineData("Mars/Olympus", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void An_NGO_chooses_an_IANA_zone(string? zone, bool accepted) => Assert.Equal(accepted, NgoTimeZones.IsIana(zone));

    [Fact]
    public void A_report_counts_in_the_NGO_s_zone_unless_asked_for_another_and_says_which_zone_its_rollups_are_in()
    {
        var moving = new NgoZone("Asia/Vladivostok", "Europe/Moscow");
        var own = ReportQuery.Of("ngo", "2026-11-11", "2026-11-11", null, null, null, moving).Query!;
        Assert.Equal(("Asia/Vladivostok", "Europe/Moscow"), (own.TimeZone, own.FactZone));
        // 20:30 UTC on the 10th is the 11th in Vladivostok (UTC+10), still the 10th in Moscow (UTC+3).
        var lateEvening = new DateTimeOffset(2026, 11, 10, 20, 30, 0, TimeSpan.Zero);
        Assert.True(own.Covers(lateEvening));
        var moscow = ReportQuery.Of("ngo", "2026-11-11", "2026-11-11", null, null, "Europe/Moscow", moving).Query!;
        Assert.False(moscow.Covers(lateEvening));

        var (query, problem) = ReportQuery.Of("ngo", null, null, null, null, "Mars/Olympus", NgoZone.Default);
        Assert.Null(query);
        Assert.NotNull(problem);
    }
}
