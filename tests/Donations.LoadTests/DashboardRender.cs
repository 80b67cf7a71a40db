using System.Diagnostics;
using Microsoft.Playwright;

namespace Donations.LoadTests;

/// <summary>
/// The dashboard's first full render (issue 14): the web app in Debian's Chromium, signed in as the NGO's viewer, each
/// load of the summary page timed until the page has drawn what its reports brought (<c>body[data-loaded]</c>, set once
/// totals, comparison, chart and fundraisers are on screen) two ways: the page's own time from its navigation start (its
/// <c>dashboard-loaded</c> mark), and the wall clock from asking Playwright to reload to seeing the attribute (which adds
/// unloading the page before and the DevTools protocol's round trips).
/// </summary>
public static class DashboardRender
{
    public sealed record Result(double P50Ms, double P95Ms, double WallP50Ms, double WallP95Ms, int Loads);

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
        var (times, walls) = (new List<double>(), new List<double>());
        for (var i = 0; i < loads; i++)
        {
            var clock = Stopwatch.StartNew();
            await page.ReloadAsync();
            await page.WaitForSelectorAsync("body[data-loaded]", loaded);
            walls.Add(clock.Elapsed.TotalMilliseconds);
            times.Add(await page.EvaluateAsync<double>("() => performance.getEntriesByName('dashboard-loaded')[0].startTime"));
        }
        // Where the last load's time went: the document, then each request from navigation start (ms).
        var waterfall = await page.EvaluateAsync<string>("""
            () => [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
                .map(e => `${Math.round(e.startTime)}–${Math.round(e.responseEnd)} ms ${e.name.replace(location.origin, '')}`)
                .concat(performance.getEntriesByName('dashboard-loaded').map(e => `${Math.round(e.startTime)} ms drawn`)).join('\n')
            """);
        Console.Error.WriteLine($"  the last load of {ngo}:\n    {waterfall.Replace("\n", "\n    ")}");
        double P(List<double> list, double q) => Measure.Percentile(list.Order().ToArray(), q);
        return new Result(P(times, 0.5), P(times, 0.95), P(walls, 0.5), P(walls, 0.95), times.Count);
    }
}
