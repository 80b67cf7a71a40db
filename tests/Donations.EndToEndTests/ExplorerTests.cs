using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MiniExcelLibs;

namespace Donations.EndToEndTests;

/// <summary>The donation explorer: search, one donation's explanation and audit trail, and tables as Excel workbooks.</summary>
[Collection(SystemCollection.Name)]
public class ExplorerTests(DonationsSystem system)
{
    [Fact]
    public async Task A_donation_shows_every_touchpoint_and_each_revision_with_its_cause_and_the_search_finds_it_by_each_field()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var first = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-7200_1", "explore"));
        var second = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-7200_2", "explore"));
        var (firstClick, cookie) = await ngo.FirstVisitAsync(first);
        var secondClick = await ngo.ClickAsync(second, cookie: cookie);
        var botClick = await ngo.ClickAsync(first, "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)");
        await Task.Delay(50);
        var paidAt = DateTimeOffset.UtcNow;
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-explore-1", 1000_00, secondClick, occurredAt: paidAt, donorId: "donor-7200"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-explore-bot", 300_00, botClick, occurredAt: paidAt));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-explore-old", 200_00, occurredAt: paidAt.AddDays(-40)));
        var donation = await ngo.DonationAsync("tx-explore-1", "attributed");
        await ngo.DonationAsync("tx-explore-bot", "bot click");
        await ngo.DonationAsync("tx-explore-old", "no click id");

        // Linear: both of the visitor's clicks share; then a partial refund takes 10% off each.
        await ngo.ChangeSettingsAsync("linear", 30);
        await ngo.DonationWhenAsync("tx-explore-1", d => d.Credits().Count == 2);
        await ngo.PostGenericAsync(Scenario.RefundBody("rf-explore-1", "tx-explore-1", 100_00));
        await ngo.DonationWhenAsync("tx-explore-1", d => d.Long("refundedMinor") == 100_00);

        var id = donation.Str("id");
        var detail = (await ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/donations/{id}"))!;
        var history = detail["history"]!.AsArray();
        // The named click may reach Attribution after the payment (their queues race): then a "late click" revision follows "received".
        var causes = history.Select(h => h!.Str("cause")).ToArray();
        string[] expected = causes.Length == 4 ? ["received", "late click", "settings changed", "refund"] : ["received", "settings changed", "refund"];
        Assert.Equal(expected, causes);
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(h => (int)h!.Long("revision")));
        var beforeSwitch = history[causes.Length - 3]!;
        Assert.Equal(("last-click", 1000_00L), (beforeSwitch.Str("model"), beforeSwitch.Long("attributedMinor")));
        Assert.Equal(("linear", 2), (history[^2]!.Str("model"), history[^2]!["credits"]!.AsArray().Count));
        Assert.Equal((100_00L, 900_00L), (history[^1]!.Long("refundedMinor"), history[^1]!.Long("attributedMinor")));

        var touchpoints = detail["touchpoints"]!.AsArray();
        Assert.Equal([firstClick, secondClick], touchpoints.Select(t => t!.Str("clickId")).ToArray());
        Assert.Equal(["wall-7200_1", "wall-7200_2"], touchpoints.Select(t => t!.Str("postId")).ToArray());
        Assert.All(touchpoints, t => Assert.False(t!["isBot"]!.GetValue<bool>()));
        Assert.Equal([false, true], touchpoints.Select(t => t!["named"]!.GetValue<bool>()).ToArray());
        Assert.Equal(900_00, touchpoints.Sum(t => t!.Long("creditedMinor")));
        Assert.True(touchpoints[0]!["clickedAt"]!.GetValue<DateTimeOffset>() < touchpoints[1]!["clickedAt"]!.GetValue<DateTimeOffset>());

        // A bot's named click shows, marked, with nothing credited.
        var bot = await ngo.DonationAsync("tx-explore-bot");
        var botTouch = Assert.Single((await ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/donations/{bot.Str("id")}"))!["touchpoints"]!.AsArray())!;
        Assert.Equal((botClick, true, true, 0L), (botTouch.Str("clickId"), botTouch["isBot"]!.GetValue<bool>(), botTouch["named"]!.GetValue<bool>(), botTouch.Long("creditedMinor")));

        async Task<string[]> Search(string query) =>
            (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/donations?{query}"))!.Select(d => d!.Str("providerTxId")).Order().ToArray();
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd");
        Assert.Equal(["tx-explore-1"], await Search("post=wall-7200_1"));
        Assert.Equal(["tx-explore-1"], await Search("campaign=explore&status=attributed"));
        Assert.Equal(["tx-explore-1"], await Search("donor=" + donation["donor"]!.Str("id")));
        Assert.Equal(["tx-explore-bot"], await Search("status=unattributed&reason=bot%20click"));
        Assert.Equal(["tx-explore-old"], await Search($"to={DateTimeOffset.UtcNow.AddDays(-30):yyyy-MM-dd}"));
        Assert.Equal(["tx-explore-1", "tx-explore-bot"], await Search($"from={today}&to={today}"));
        Assert.Equal(["tx-explore-old"], await Search($"before={Uri.EscapeDataString(paidAt.AddDays(-1).ToString("O"))}"));
        var bad = await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/donations?status=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'status'", await bad.Content.ReadAsStringAsync());

        // The search as a workbook: amounts are numbers, times are dates.
        var xlsx = await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/donations?post=wall-7200_1&format=xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        var row = Assert.Single(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>());
        Assert.Equal(("tx-explore-1", 1000.0, 100.0, 900.0), ((string)row["provider_tx_id"]!, Convert.ToDouble(row["amount"]), Convert.ToDouble(row["refunded"]), Convert.ToDouble(row["attributed"])));
        Assert.IsType<DateTime>(row["occurred_at"]);
    }

    [Fact]
    public async Task Report_tables_open_in_excel_with_number_and_date_cells_and_cyrillic_intact()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-7300_1", "excel"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-excel-1", 1234_56, await ngo.ClickAsync(code)));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-excel-2", 5_00, currency: "USD"));
        await ngo.DonationAsync("tx-excel-1", "attributed");
        await ngo.DonationAsync("tx-excel-2");

        async Task<List<IDictionary<string, object?>>> Sheet(string report)
        {
            var response = await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/{report}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.EndsWith(".xlsx\"", response.Content.Headers.ContentDisposition!.ToString());
            return new MemoryStream(await response.Content.ReadAsByteArrayAsync()).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        }
        var campaign = Assert.Single(await Sheet("campaigns?format=xlsx"));
        Assert.Equal(("Кампания excel", 1234.56), ((string)campaign["name"]!, Convert.ToDouble(campaign["attributed"])));
        var summary = await Sheet("summary?format=xlsx");
        Assert.Equal([("RUB", 1234.56), ("USD", 5.0)], summary.Select(r => ((string)r["currency"]!, Convert.ToDouble(r["gross"]))).ToArray());
        var daily = await Sheet("daily?format=xlsx");
        Assert.All(daily, d => Assert.IsType<DateTime>(d["day"]));
        Assert.Equal(1239.56, daily.Sum(d => Convert.ToDouble(d["gross"])), 2);
        var recurring = await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/recurring/months?format=xlsx");
        Assert.Equal(HttpStatusCode.OK, recurring.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/summary?format=pdf")).StatusCode);
    }
}
