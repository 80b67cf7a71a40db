using System.Net;
using Microsoft.Playwright;

namespace Donations.EndToEndTests.Browser;

/// <summary>
/// The donation explorer in the browser: the search finds a donation by the provider's transaction id and by post and
/// reason, and its page shows every click that took part (time, post, bot or not, named by the payment) and each
/// revision with its cause, in the page's language.
/// </summary>
[Collection(SystemCollection.Name)]
public class ExplorerPagesTests(DonationsSystem system)
{
    [Fact]
    public async Task The_search_finds_a_donation_and_its_page_shows_its_touchpoints_and_the_cause_of_each_revision()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var first = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-9200_1", "explore-pages"));
        var second = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-9200_2", "explore-pages"));
        var (firstClick, cookie) = await ngo.FirstVisitAsync(first);
        var secondClick = await ngo.ClickAsync(second, cookie: cookie);
        var botClick = await ngo.ClickAsync(first, "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)");
        await Task.Delay(50);
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody("tx-pages-explore", 1000_00, secondClick, donorId: "donor-9200"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody("tx-pages-bot", 300_00, botClick))).StatusCode);
        var donation = await ngo.DonationAsync("tx-pages-explore", "attributed");
        await ngo.DonationAsync("tx-pages-bot", "bot click");
        // Linear shares it between the visitor's two clicks; then a partial refund.
        await ngo.ChangeSettingsAsync("linear", 30);
        await ngo.DonationWhenAsync("tx-pages-explore", d => d.Credits().Count == 2);
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.RefundBody("rf-pages-explore", "tx-pages-explore", 100_00))).StatusCode);
        await ngo.DonationWhenAsync("tx-pages-explore", d => d.Long("refundedMinor") == 100_00);

        await using var app = await AppBrowser.OpenAsync(system.Web.BaseAddress);
        var page = app.Page;
        await app.SignInAsync(ngo.NgoId, ngo.ViewerKey);
        await app.OpenAsync("/reports/donations");
        await Assertions.Expect(page.GetByTestId("found")).ToHaveAttributeAsync("data-count", "2");

        // By the provider's transaction id.
        await page.GetByTestId("search-providerTxId").FillAsync("tx-pages-explore");
        await page.GetByTestId("search-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("found")).ToHaveAttributeAsync("data-count", "1");
        var row = page.GetByTestId("donation-tx-pages-explore");
        Assert.Equal("100000", await row.GetByTestId("amount").Locator("[data-minor]").GetAttributeAsync("data-minor"));
        Assert.Equal("10000", await row.GetByTestId("refunded").Locator("[data-minor]").GetAttributeAsync("data-minor"));
        await app.ShotAsync("search-by-tx");

        // By post, and by status and reason (in the page's words).
        await page.GetByTestId("search-providerTxId").FillAsync("");
        await page.GetByTestId("search-post").FillAsync("wall-9200_1");
        await page.GetByTestId("search-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("found")).ToHaveAttributeAsync("data-count", "1");
        await Assertions.Expect(page.GetByTestId("donation-tx-pages-explore")).ToBeVisibleAsync();
        await page.GetByTestId("search-post").FillAsync("");
        await page.GetByTestId("search-campaign").SelectOptionAsync("explore-pages");
        await page.GetByTestId("search-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("found")).ToHaveAttributeAsync("data-count", "1");
        await Assertions.Expect(page.GetByTestId("donation-tx-pages-explore")).ToBeVisibleAsync();
        await page.GetByTestId("search-campaign").SelectOptionAsync("");
        await page.GetByTestId("search-status").SelectOptionAsync("unattributed");
        await page.GetByTestId("search-reason").SelectOptionAsync("bot click");
        await page.GetByTestId("search-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("found")).ToHaveAttributeAsync("data-count", "1");
        await Assertions.Expect(page.GetByTestId("donation-tx-pages-bot").GetByTestId("status")).ToHaveTextAsync("не атрибутировано — клик бота");
        await app.ShotAsync("search-by-reason");

        // A period that ends before it starts: the page says what failed and the person stays signed in.
        await page.GetByTestId("search-status").SelectOptionAsync("");
        await page.GetByTestId("search-reason").SelectOptionAsync("");
        await page.GetByTestId("from").FillAsync("2026-11-20");
        await page.GetByTestId("to").FillAsync("2026-11-01");
        await page.GetByTestId("search-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("error")).ToHaveAttributeAsync("data-status", "400");
        await Assertions.Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();
        await page.GetByTestId("from").FillAsync("");
        await page.GetByTestId("to").FillAsync("");
        await page.GetByTestId("search-providerTxId").FillAsync("tx-pages-explore");
        await page.GetByTestId("search-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("found")).ToHaveAttributeAsync("data-count", "1");

        // The donation's page: the explanation, every touchpoint, every revision's cause.
        await page.GetByTestId("donation-tx-pages-explore").GetByTestId("open").ClickAsync();
        await page.WaitForSelectorAsync("main[data-route='/reports/donations/:id'] [data-testid=history]");
        Assert.Equal(donation.Str("id"), await page.GetByTestId("donation").GetAttributeAsync("data-id"));
        await Assertions.Expect(page.GetByTestId("explanation").GetByTestId("model")).ToHaveTextAsync("поровну между кликами");
        await Assertions.Expect(page.GetByTestId("explanation").GetByTestId("window")).ToHaveTextAsync("30 дн.");
        Assert.Equal(900_00, long.Parse((await page.GetByTestId("donation").GetByTestId("attributed").GetAttributeAsync("data-minor"))!));
        var touchpoints = page.GetByTestId("touchpoints").Locator("tbody tr");
        Assert.Equal([$"touchpoint-{firstClick}", $"touchpoint-{secondClick}"], await touchpoints.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.testid)"));
        Assert.Equal(["wall-9200_1", "wall-9200_2"], await page.GetByTestId("touchpoints").GetByTestId("post").AllInnerTextsAsync());
        Assert.Equal(["нет", "нет"], await page.GetByTestId("touchpoints").GetByTestId("bot").AllInnerTextsAsync());
        Assert.Equal(["нет", "да"], await page.GetByTestId("touchpoints").GetByTestId("named").AllInnerTextsAsync());
        var credited = await page.GetByTestId("touchpoints").GetByTestId("credited").Locator("[data-minor]").EvaluateAllAsync<long[]>("cells => cells.map(c => Number(c.dataset.minor))");
        Assert.Equal(900_00, credited.Sum());
        Assert.All(await page.GetByTestId("touchpoints").GetByTestId("clicked-at").AllInnerTextsAsync(), t => Assert.Matches(@"\d{2}:\d{2}", t));
        // The named click may reach Attribution after the payment (their queues race): then a "late click" revision follows "received".
        var causes = await page.GetByTestId("history").GetByTestId("cause").AllInnerTextsAsync();
        string[] expected = causes.Count == 4 ? ["получено", "клик пришёл позже", "изменены настройки", "возврат"] : ["получено", "изменены настройки", "возврат"];
        Assert.Equal(expected, causes);
        await app.ShotAsync("donation");

        // The bot's donation: its named click is shown, marked as a bot's, with nothing credited.
        await page.GetByTestId("back").ClickAsync();
        await page.WaitForSelectorAsync("main[data-route='/reports/donations'] [data-testid=found]");
        await page.GetByTestId("search-providerTxId").FillAsync("tx-pages-bot");
        await page.GetByTestId("search-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("found")).ToHaveAttributeAsync("data-count", "1");
        await page.GetByTestId("donation-tx-pages-bot").GetByTestId("open").ClickAsync();
        var bot = page.GetByTestId($"touchpoint-{botClick}");
        await Assertions.Expect(bot.GetByTestId("bot")).ToHaveTextAsync("да");
        await Assertions.Expect(bot.GetByTestId("credited").Locator("[data-minor]")).ToHaveAttributeAsync("data-minor", "0");
        await Assertions.Expect(page.GetByTestId("explanation").GetByTestId("reason")).ToHaveTextAsync("клик бота");
        await app.ShotAsync("bot-donation");

        // An id that is no donation: what failed, still signed in.
        await page.EvaluateAsync("() => { location.hash = '#/reports/donations/not-a-donation'; }");
        await Assertions.Expect(page.GetByTestId("error")).ToHaveAttributeAsync("data-status", "404");
        await Assertions.Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();
    }
}
