using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Donations.EndToEndTests.Browser;
using Microsoft.Playwright;

namespace Donations.EndToEndTests;

/// <summary>The reports summary of the people's web app (the former dashboard), read as a finance person would.</summary>
[Collection(SystemCollection.Name)]
public class DashboardTests(DonationsSystem system)
{
    [Fact]
    public async Task A_viewer_signs_in_and_sees_the_same_numbers_as_the_api()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var first = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-9101_1", "winter", "coats")));
        var second = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-9101_2", "winter")));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-ui-1", 1500_00, first));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-ui-2", 700_50, second));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-ui-3", 300_00));
        await ngo.PostGenericAsync(Scenario.RefundBody("rf-ui", "tx-ui-2", 100_00));
        await ngo.DonationAsync("tx-ui-1", "attributed");
        await ngo.DonationWhenAsync("tx-ui-2", d => d.Long("refundedMinor") > 0);
        await ngo.DonationAsync("tx-ui-3", "no click id");
        var api = Assert.Single((await ngo.Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/reports/summary"))!["currencies"]!.AsArray())!;

        await using var app = await AppBrowser.OpenAsync(system.Web.BaseAddress);
        await app.SignInAsync(ngo.NgoId, ngo.ViewerKey);
        var page = app.Page;
        await page.WaitForSelectorAsync("body[data-loaded=true]");
        Assert.Equal("/reports/summary", await page.GetByTestId("page").GetAttributeAsync("data-route"));

        foreach (var field in new[] { "gross", "refunded", "attributed", "unattributed", "net" })
            Assert.Equal(api.Long($"{field}Minor").ToString(), await page.GetByTestId($"{field}-RUB").GetAttributeAsync("data-minor"));
        // Money as the browser's Intl writes roubles in Russian: 1 500,00 ₽ net of the first gift alone is not the total;
        // the total net is 1500.00 + 700.50 − 100.00 + 300.00 = 2400.50.
        Assert.Equal(1500_00 + 700_50 - 100_00 + 300_00, api.Long("netMinor"));
        Assert.Equal("2 400,50 ₽", (await page.GetByTestId("net-RUB").InnerTextAsync()).Replace('\u00a0', ' ').Replace('\u202f', ' '));
        Assert.Equal("3", await page.GetByTestId("donations-RUB").InnerTextAsync());
        Assert.Contains("нет идентификатора клика", await page.GetByTestId("reasons").InnerTextAsync()); // the API's reason, in the page's language
        Assert.Equal("150000", await page.GetByTestId("fundraiser-coats").GetAttributeAsync("data-raised-minor"));
        // Both posts' money on the chart, drawn by Chart.js on its canvas.
        Assert.Equal("2", await page.GetByTestId("daily-days-RUB").GetAttributeAsync("data-keys"));
        await Assertions.Expect(page.GetByTestId("daily-canvas-RUB")).ToBeVisibleAsync();

        // The posts and their table as a file are on the post funnel page, one click away.
        await page.GetByTestId("posts-link").ClickAsync();
        await page.WaitForSelectorAsync("main[data-route='/reports/funnel']");
        await page.WaitForSelectorAsync("body[data-ready=true]");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-csv").First.ClickAsync());
        var csv = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
        var lines = Encoding.UTF8.GetString(csv[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Count(l => l.StartsWith("wall-9101_", StringComparison.Ordinal)));
        await app.ShotAsync("summary");
    }

    [Fact]
    public async Task A_wrong_key_is_told_so_and_sees_nothing()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await using var app = await AppBrowser.OpenAsync(system.Web.BaseAddress);
        await app.SignInAsync(ngo.NgoId, "vie_wrong", refused: true);
        await Assertions.Expect(app.Page.GetByTestId("sign-in-error")).ToContainTextAsync("Ключ не подходит");
        Assert.Equal(0, await app.Page.GetByTestId("page").CountAsync());
        await app.ShotAsync("sign-in-refused");
    }
}
