using System.Diagnostics;
using Microsoft.Playwright;

namespace Donations.LoadTests;

/// <summary>
/// The dashboard's first full render (issue 14): the web app in Debian's Chromium, signed in as the NGO's viewer, each
/// load of the summary page timed from navigation until the page has drawn what its reports brought
/// (<c>body[data-loaded]</c>, set once totals, comparison, chart and fundraisers are on screen).
/// </summary>
public static class DashboardRender
{
    public sealed record Result(double P50Ms, double P95Ms, int Loads);

    public static async Task<Result> MeasureAsync(Uri web, string ngo, string viewerKey, int loads = 10)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, Locale = "ru-RU" });
        await page.GotoAsync(web.ToString());
        await page.GetByTestId("ngo-id").FillAsync(ngo);
        await page.GetByTestId("key").FillAsync(viewerKey);
        await page.GetByTestId("sign-in").ClickAsync();
        var loaded = new PageWaitForSelectorOptions { Timeout = 120_000, State = WaitForSelectorState.Attached };
        await page.WaitForSelectorAsync("body[data-loaded]", loaded); // the first load warms the server's caches and the browser's
        var times = new List<double>();
        for (var i = 0; i < loads; i++)
        {
            var clock = Stopwatch.StartNew();
            await page.ReloadAsync();
            await page.WaitForSelectorAsync("body[data-loaded]", loaded);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return new Result(times[times.Count / 2], times[Math.Max(0, (int)Math.Ceiling(times.Count * 0.95) - 1)], times.Count);
    }
}
