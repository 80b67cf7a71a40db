using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>Campaigns and fundraisers listed, edited and closed from the management pages; the reports follow each change.</summary>
[Collection(SystemCollection.Name)]
public class CatalogChangesTests(DonationsSystem system)
{
    private static async Task<JsonArray> ReportAsync(Scenario ngo, string report) =>
        (await ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/reports/{report}"))!.AsArray();

    private static async Task<string> DetailAsync(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail");

    [Fact]
    public async Task A_campaign_is_listed_edited_and_closed_and_the_report_shows_its_new_name_and_end()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var api = ngo.Ingestion;
        var startsAt = DateTimeOffset.UtcNow.AddDays(-3);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns", new { id = "winter", name = "Зима", startsAt })).StatusCode);

        using var viewer = system.Client(system.Ingestion, ngo.ViewerKey);
        var listed = (await viewer.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/campaigns"))!["campaigns"]!.AsArray().Single()!;
        Assert.Equal(("winter", "Зима", false), (listed.Str("id"), listed.Str("name"), listed["closed"]!.GetValue<bool>()));

        // Bad input names the field and changes nothing; a viewer cannot edit; an unknown campaign is a 404.
        var backwards = await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns/winter", new { name = "Зима", startsAt, endsAt = startsAt.AddDays(-1) });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("'endsAt'", await DetailAsync(backwards));
        Assert.Contains("'name'", await DetailAsync(await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns/winter", new { name = " ", startsAt })));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns/winter", new { name = "Весна", startsAt })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns/summer", new { name = "Лето", startsAt })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/ngos/{ngo.NgoId}/campaigns/summer/close", null)).StatusCode);
        Assert.Equal("Зима", (await viewer.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/campaigns"))!["campaigns"]![0]!.Str("name"));

        var edited = await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns/winter", new { name = "Зима 2026", startsAt });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        await Eventually.Async(async () => (await ReportAsync(ngo, "campaigns")).SingleOrDefault()?["name"]?.GetValue<string>() == "Зима 2026",
            "the new name reaches the campaigns report");

        var before = DateTimeOffset.UtcNow;
        var closed = (await (await api.PostAsync($"/api/ngos/{ngo.NgoId}/campaigns/winter/close", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(closed["closed"]!.GetValue<bool>());
        var endsAt = closed["endsAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(endsAt, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        // Closing again leaves the end where it was.
        var again = (await (await api.PostAsync($"/api/ngos/{ngo.NgoId}/campaigns/winter/close", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(endsAt, again["endsAt"]!.GetValue<DateTimeOffset>());
        await Eventually.Async(async () => (await ReportAsync(ngo, "campaigns")).SingleOrDefault()?["endsAt"]?.GetValue<DateTimeOffset?>() == endsAt,
            "the end reaches the campaigns report");
        Assert.Equal("Зима 2026", (await ReportAsync(ngo, "campaigns")).Single()!.Str("name")); // the older change never comes back
    }

    [Fact]
    public async Task A_fundraiser_is_edited_and_closed_money_after_the_close_no_longer_counts_for_it()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var api = ngo.Ingestion;
        await ngo.RegisterPostAsync("wall-77_1", "roofs", "roof");

        var edit = new { title = "Крыша приюта", goal = new { amountMinor = 500_00, currency = "RUB" }, deadline = DateTimeOffset.UtcNow.AddDays(10), refusesLateGifts = true };
        var otherCurrency = await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers/roof", edit with { goal = new { amountMinor = 500_00, currency = "EUR" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherCurrency.StatusCode);
        Assert.Contains("'goal.currency'", await DetailAsync(otherCurrency));
        var moved = await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers/roof", new { edit.title, edit.goal, edit.deadline, campaignId = "other" });
        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers/roof", edit with { goal = new { amountMinor = -5_00, currency = "RUB" } })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers/roof", edit)).StatusCode);
        var listed = (await api.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/fundraisers"))!["fundraisers"]!.AsArray().Single()!;
        Assert.Equal(("Крыша приюта", 500_00L, true), (listed.Str("title"), listed["goal"]!.Long("amountMinor"), listed["refusesLateGifts"]!.GetValue<bool>()));
        await Eventually.Async(async () => (await ReportAsync(ngo, "fundraisers")).SingleOrDefault()?["goalMinor"]?.GetValue<long>() == 500_00,
            "the new goal reaches the fundraisers report");

        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody("tx-roof-1", 200_00, fundraiserId: "roof", occurredAt: DateTimeOffset.UtcNow.AddMinutes(-1)))).StatusCode);
        var close = await api.PostAsync($"/api/ngos/{ngo.NgoId}/fundraisers/roof/close", null);
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        var deadline = (await close.Content.ReadFromJsonAsync<JsonObject>())!["deadline"]!.GetValue<DateTimeOffset>();
        await Task.Delay(10); // a gift a moment after the close
        Assert.True(DateTimeOffset.UtcNow > deadline);
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody("tx-roof-2", 300_00, fundraiserId: "roof", occurredAt: DateTimeOffset.UtcNow))).StatusCode);
        await ngo.DonationAsync("tx-roof-2", "attributed");

        JsonNode line = null!;
        await Eventually.Async(async () => (line = (await ReportAsync(ngo, "fundraisers")).Single()!)["status"]!.GetValue<string>() == "ended short"
                                           && line.Long("raisedMinor") == 200_00, "the closed fundraiser counts only what came before the close");
        Assert.Equal(deadline, line["deadline"]!.GetValue<DateTimeOffset>());
        Assert.Equal(40.0, line["percent"]!.GetValue<double>()); // 200 of 500
    }

    [Fact]
    public async Task Spend_entered_by_hand_is_listed_newest_first()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.RegisterPostAsync("wall-78_1", "autumn");
        var at = DateTimeOffset.UtcNow;
        foreach (var (amount, source, when) in new[] { (1500_00L, "own", at.AddDays(-2)), (700_00L, "vk_grant", at.AddDays(-1)) })
            Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/spend",
                new { campaignId = "autumn", postId = "wall-78_1", amountMinor = amount, currency = "RUB", source, at = when })).StatusCode);
        using var viewer = system.Client(system.Ingestion, ngo.ViewerKey);
        var spend = (await viewer.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/spend"))!["spend"]!.AsArray();
        Assert.Equal([(700_00L, "vk_grant"), (1500_00L, "own")], spend.Select(s => (s!.Long("amountMinor"), s!.Str("source"))).ToArray());
        var other = await Scenario.NewNgoAsync(system);
        Assert.Empty((await other.Ingestion.GetFromJsonAsync<JsonObject>($"/api/ngos/{other.NgoId}/spend"))!["spend"]!.AsArray());
    }
}
