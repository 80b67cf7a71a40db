using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Donations.EndToEndTests;

/// <summary>The dashboard in headless Chromium (Debian's, never a downloaded one), read as a finance person would.</summary>
[Collection(SystemCollection.Name)]
public class DashboardTests(DonationsSystem system)
{
    public const string Chromium = "/usr/bin/chromium";

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

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1280, Height = 1400 } });
        await page.GotoAsync(system.Reporting.BaseAddress.ToString());

        await page.GetByTestId("ngo-id").FillAsync(ngo.NgoId);
        await page.GetByTestId("viewer-key").FillAsync(ngo.ViewerKey);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.WaitForSelectorAsync("body[data-loaded=true]");

        foreach (var field in new[] { "gross", "refunded", "attributed", "unattributed", "net" })
            Assert.Equal(api.Long($"{field}Minor").ToString(), await page.GetByTestId($"{field}-RUB").GetAttributeAsync("data-minor"));
        Assert.Equal("3", await page.GetByTestId("donations-RUB").InnerTextAsync());
        Assert.Contains("no click id", await page.GetByTestId("reasons").InnerTextAsync());
        Assert.Equal(2, await page.Locator("[data-testid^=post-]").CountAsync());
        Assert.Equal("150000", await page.GetByTestId("fundraiser-coats").GetAttributeAsync("data-raised-minor"));
        Assert.True(await page.GetByTestId("daily-svg").Locator("rect").CountAsync() >= 2);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-posts").ClickAsync());
        var csv = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
        Assert.StartsWith("post_id,campaign_id", Encoding.UTF8.GetString(csv[3..]));

        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "dashboard.png"), FullPage = true });
    }

    [Fact]
    public async Task A_wrong_key_is_told_so_and_sees_nothing()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Args = ["--no-sandbox", "--disable-gpu"] });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(system.Reporting.BaseAddress.ToString());
        await page.GetByTestId("ngo-id").FillAsync(ngo.NgoId);
        await page.GetByTestId("viewer-key").FillAsync("vie_wrong");
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("key");
        Assert.False(await page.Locator("#dashboard").IsVisibleAsync());
    }
}
