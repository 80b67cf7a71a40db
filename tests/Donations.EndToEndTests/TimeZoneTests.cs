using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>An NGO's own time zone: its reports' days are its days, and the days already counted move when it changes.</summary>
[Collection(SystemCollection.Name)]
public class TimeZoneTests(DonationsSystem system)
{
    private static string DayIn(string zone, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(zone)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The daily report's lines as "day donations gross", in order.</summary>
    private static async Task<string[]> DaysAsync(Scenario ngo, string query = "") =>
        (await ngo.Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/reports/daily{query}"))!["days"]!.AsArray()
        .Select(d => $"{d!.Str("day")} {d!.Long("donations")} {d!.Long("grossMinor")}").ToArray();

    private static string[] Expected(string zone, IEnumerable<(DateTimeOffset At, long Amount)> donations) =>
        donations.GroupBy(d => DayIn(zone, d.At)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()} {g.Sum(d => d.Amount)}").ToArray();

    /// <summary>The fundraiser's lines of the daily report by fundraiser, as "day attributed", in order.</summary>
    private static async Task<string[]> FundraiserDaysAsync(Scenario ngo) =>
        (await ngo.Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/reports/daily?by=fundraiser"))!["byKey"]!.AsArray()
        .Where(d => d!.Str("key") == Fundraiser).Select(d => $"{d!.Str("day")} {d!.Long("attributedMinor")}").ToArray();

    private static string[] ExpectedFundraiserDays(string zone, IEnumerable<(DateTimeOffset At, long Amount)> donations) =>
        donations.GroupBy(d => DayIn(zone, d.At)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Sum(d => d.Amount)}").ToArray();

    private const string Fundraiser = "zone-fund";

    [Fact]
    public async Task A_change_of_time_zone_moves_every_report_day_to_the_new_zone_including_the_days_already_counted()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        // Late evening in Moscow is the next morning in Vladivostok; midday is the same day in both.
        var donations = new List<(DateTimeOffset At, long Amount)> { (new(2026, 11, 10, 20, 30, 0, TimeSpan.Zero), 700_00), (new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero), 300_00) };
        for (var i = 0; i < donations.Count; i++)
            Assert.True((await ngo.PostGenericAsync(Scenario.DonationBody($"tx-zone-{i}", donations[i].Amount, fundraiserId: Fundraiser, occurredAt: donations[i].At))).IsSuccessStatusCode);
        for (var i = 0; i < donations.Count; i++) await ngo.DonationAsync($"tx-zone-{i}");
        Assert.Equal(Expected("Europe/Moscow", donations), await DaysAsync(ngo));
        Assert.Equal(ExpectedFundraiserDays("Europe/Moscow", donations), await FundraiserDaysAsync(ngo));

        // Only the NGO's manager chooses, and only a zone that exists.
        using var viewer = system.Client(system.Ingestion, ngo.ViewerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/time-zone", new { timeZone = "Asia/Vladivostok" })).StatusCode);
        foreach (var wrong in new[] { "Mars/Olympus", "Russian Standard Time", "" })
        {
            var refused = await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/time-zone", new { timeZone = wrong });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("'timeZone'", (await refused.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail"));
        }
        Assert.Equal("Europe/Moscow", (await viewer.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/session"))!.Str("timeZone"));

        var changed = await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/time-zone", new { timeZone = "Asia/Vladivostok" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("Asia/Vladivostok", (await viewer.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/session"))!.Str("timeZone"));

        // Reports follow at once (from the fact rows while the rollups move), and the rollups move.
        await Eventually.Async(async () => (await DaysAsync(ngo)).SequenceEqual(Expected("Asia/Vladivostok", donations)), "the daily report counts Vladivostok's days");
        await Eventually.Async(async () => (await system.QuerySqlAsync("reporting", "select fact_zone from rpt_ngo_zones where ngo = $1", ngo.NgoId)).SingleOrDefault() == "Asia/Vladivostok",
            "the rollups move to the new zone");
        Assert.Equal(Expected("Asia/Vladivostok", donations), await DaysAsync(ngo));
        Assert.Equal(ExpectedFundraiserDays("Asia/Vladivostok", donations), await FundraiserDaysAsync(ngo)); // the key day rollup moved too
        Assert.Equal(Expected("Europe/Moscow", donations), await DaysAsync(ngo, "?timeZone=Europe/Moscow")); // another zone on request
        var nextMorning = DayIn("Asia/Vladivostok", donations[0].At);
        var summary = (await ngo.Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/reports/summary?from={nextMorning}&to={nextMorning}"))!;
        Assert.Equal(700_00, summary["currencies"]![0]!.Long("grossMinor"));

        // What arrives after the move is counted in the new zone's days as it is written.
        donations.Add((new(2026, 11, 11, 15, 0, 0, TimeSpan.Zero), 50_00));
        Assert.True((await ngo.PostGenericAsync(Scenario.DonationBody("tx-zone-2", 50_00, fundraiserId: Fundraiser, occurredAt: donations[^1].At))).IsSuccessStatusCode);
        await ngo.DonationAsync("tx-zone-2");
        await Eventually.Async(async () => (await DaysAsync(ngo)).SequenceEqual(Expected("Asia/Vladivostok", donations)), "the new donation is on Vladivostok's day");
        Assert.Equal(Expected("Europe/Moscow", donations), await DaysAsync(ngo, "?timeZone=Europe/Moscow"));
        Assert.Equal(ExpectedFundraiserDays("Asia/Vladivostok", donations), await FundraiserDaysAsync(ngo));
    }

    [Fact]
    public async Task An_NGO_registered_in_its_zone_counts_clicks_on_its_own_days()
    {
        // Kiritimati (UTC+14) and Etc/GMT+12 (UTC−12) are 26 hours apart: at any moment their dates differ.
        var ngo = await Scenario.NewNgoAsync(system, "Pacific/Kiritimati");
        using var viewer = system.Client(system.Ingestion, ngo.ViewerKey);
        Assert.Equal("Pacific/Kiritimati", (await viewer.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/session"))!.Str("timeZone"));
        var post = await ngo.RegisterPostAsync("wall-7202_1", "zones");
        await ngo.ClickAsync(await ngo.CreateLinkAsync(post));
        var today = DayIn("Pacific/Kiritimati", DateTimeOffset.UtcNow);
        async Task<long> ClicksAsync(string query) =>
            (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/posts{query}"))!.SingleOrDefault(l => l!.Str("postId") == post)?.Long("clicks") ?? 0;
        await Eventually.Async(async () => await ClicksAsync("") == 1, "the click reaches the reports");
        await Eventually.Async(async () => (await system.QuerySqlAsync("reporting", "select fact_zone from rpt_ngo_zones where ngo = $1", ngo.NgoId)).SingleOrDefault() == "Pacific/Kiritimati",
            "the new NGO's rollups are in its zone");
        Assert.Equal(1, await ClicksAsync($"?from={today}&to={today}"));
        Assert.Equal(0, await ClicksAsync($"?from={today}&to={today}&timeZone=Etc/GMT%2B12"));
        Assert.Equal(1, await ClicksAsync($"?from={DayIn("Etc/GMT+12", DateTimeOffset.UtcNow)}&to={DayIn("Etc/GMT+12", DateTimeOffset.UtcNow)}&timeZone=Etc/GMT%2B12"));
    }
}
