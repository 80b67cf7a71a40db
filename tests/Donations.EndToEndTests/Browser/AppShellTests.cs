using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Donations.EndToEndTests.Browser;

/// <summary>The app's shell: one sign-in for both keys, the navigation a key may see, one language per screen, and which errors sign out.</summary>
[Collection(SystemCollection.Name)]
public partial class AppShellTests(DonationsSystem system)
{
    [GeneratedRegex(@"\p{IsCyrillic}")]
    private static partial Regex Cyrillic();

    [Fact]
    public async Task Every_page_a_key_opens_is_shown_and_kept_as_screenshots_in_both_languages()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await using var app = await AppBrowser.OpenAsync(system.Web.BaseAddress);
        await app.ShotAsync("sign-in");
        await app.SignInAsync(ngo.NgoId, ngo.ManagerKey);
        var routes = await NavigationAsync(app.Page);
        Assert.Contains("/reports/summary", routes);
        foreach (var route in routes)
        {
            await app.OpenAsync(route);
            await app.ShotAsync(route.Trim('/').Replace('/', '-') + "-ru");
        }

        // English: the app's own words on every screen are English (the data, such as the NGO's name, stays as it is; the
        // language switch names the other language in that language).
        await app.Page.GetByTestId("language").ClickAsync();
        await app.WaitReadyAsync();
        foreach (var route in routes)
        {
            await app.OpenAsync(route);
            var words = await app.Page.Locator("nav, h1, h2, h3, th, button:not([data-testid=language]), label, summary, .muted, .note").AllInnerTextsAsync();
            Assert.DoesNotContain(words, w => Cyrillic().IsMatch(w));
            await app.ShotAsync(route.Trim('/').Replace('/', '-') + "-en");
        }

        // A viewer key sees no management page.
        await app.Page.GetByTestId("sign-out").ClickAsync();
        await app.SignInAsync(ngo.NgoId, ngo.ViewerKey);
        var viewerRoutes = await NavigationAsync(app.Page);
        Assert.Contains("/reports/summary", viewerRoutes);
        Assert.Subset(routes.ToHashSet(), viewerRoutes.ToHashSet());
        foreach (var management in new[] { "/vk/connect", "/vk/ads", "/setup/providers" })
        {
            Assert.Contains(management, routes);
            Assert.DoesNotContain(management, viewerRoutes);
        }
        await Assertions.Expect(app.Page.GetByTestId("role")).ToContainTextAsync("reports only");
        // The posts are readable with the viewer key, without anything that changes them.
        await app.OpenAsync("/vk/posts");
        Assert.Equal(0, await app.Page.GetByTestId("sync-now").CountAsync());
        Assert.Equal(0, await app.Page.GetByTestId("create-campaign").CountAsync());
        // A management page opened by its address says it needs the manager key, and shows nothing of it.
        await app.Page.EvaluateAsync("() => { location.hash = '#/vk/connect'; }");
        await Assertions.Expect(app.Page.GetByTestId("page")).ToContainTextAsync("needs the manager key");
        Assert.Equal(0, await app.Page.GetByTestId("vk-connect").CountAsync());
    }

    [Fact]
    public async Task Only_a_refused_key_signs_out_other_errors_are_shown_and_the_person_stays_signed_in()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await using var app = await AppBrowser.OpenAsync(system.Web.BaseAddress);
        await app.SignInAsync(ngo.NgoId, ngo.ViewerKey);
        var page = app.Page;

        // A period that ends before it starts: the reports API refuses it (400) and the page says so, signed in still.
        await page.GetByTestId("from").FillAsync("2026-11-20");
        await page.GetByTestId("to").FillAsync("2026-11-01");
        await page.GetByTestId("apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("error")).ToHaveAttributeAsync("data-status", "400");
        await Assertions.Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();
        await app.ShotAsync("bad-period");

        // The viewer key is rotated elsewhere: the next call is refused with 401 and only that signs out.
        var rotated = await ngo.Ingestion.PostAsync($"/api/ngos/{ngo.NgoId}/keys/viewer/rotate", null);
        rotated.EnsureSuccessStatusCode();
        await page.GetByTestId("to").FillAsync("2026-11-30");
        await page.GetByTestId("apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-in-error")).ToContainTextAsync("Сеанс завершён");
        Assert.Equal(0, await page.GetByTestId("sign-out").CountAsync());
        Assert.Equal("null", await page.EvaluateAsync<string>("() => String(sessionStorage.getItem('donations.session'))"));
        Assert.DoesNotContain(ngo.ViewerKey, page.Url);
    }

    private static async Task<List<string>> NavigationAsync(IPage page) =>
        (await page.GetByTestId("nav").Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href').slice(1))")).ToList();
}
