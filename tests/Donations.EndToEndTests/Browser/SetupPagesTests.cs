using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;

namespace Donations.EndToEndTests.Browser;

/// <summary>
/// A manager sets the NGO up on the setup pages alone — no API call by the test, only what a person does in the browser
/// and what a payment provider sends: CloudPayments configured and a misconfigured callback seen with its reason,
/// a campaign and a fundraiser, spend, the attribution model switched with the replay's progress, a key rotated.
/// </summary>
[Collection(SystemCollection.Name)]
public class SetupPagesTests(DonationsSystem system)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Minute = new() { Timeout = 60_000 };

    /// <summary>Every answer the provider got; each that is not 2xx is a refusal the page counts.</summary>
    private readonly List<HttpStatusCode> _answers = [];

    /// <summary>Posts the Pay as CloudPayments does, delivering it again after a 503 (a busy machine), as CloudPayments does.</summary>
    private async Task<HttpStatusCode> ProviderSendsPayAsync(string url, string secret)
    {
        var body = Fixtures.Bytes("cloudpayments/pay.form-urlencoded.cloud_payments-gem-hmac-vector.txt");
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/x-www-form-urlencoded");
            content.Headers.Add("Content-HMAC", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
            var status = (await http.PostAsync(url, content)).StatusCode;
            _answers.Add(status);
            if (status != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline) return status;
            await Task.Delay(1000);
        }
    }

    [Fact]
    public async Task A_manager_configures_CloudPayments_sees_a_misconfigured_callback_sets_up_campaigns_and_spend_switches_the_model_and_rotates_a_key()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await using var app = await AppBrowser.OpenAsync(system.Web.BaseAddress);
        var page = app.Page;
        await app.SignInAsync(ngo.NgoId, ngo.ManagerKey);

        // Providers: the API secret saved (write-only), the Pay URL copied from the page.
        await app.OpenAsync("/setup/providers");
        await Assertions.Expect(page.GetByTestId("secret-cloudpayments-apiSecret")).ToHaveAttributeAsync("data-set", "false");
        await app.ShotAsync("providers");
        const string secret = "cp-secret-from-the-cabinet-9c1e";
        await page.GetByTestId("cloudpayments-apiSecret").FillAsync(secret);
        await page.GetByTestId("save-cloudpayments").ClickAsync();
        await Assertions.Expect(page.GetByTestId("secret-cloudpayments-apiSecret")).ToHaveAttributeAsync("data-set", "true");
        await Assertions.Expect(page.GetByTestId("status-cloudpayments")).ToHaveAttributeAsync("data-configured", "true");
        Assert.Equal("", await page.GetByTestId("cloudpayments-apiSecret").InputValueAsync());
        Assert.DoesNotContain(secret, await page.ContentAsync());
        var payUrl = (await page.GetByTestId("url-cloudpayments-Pay").TextContentAsync())!;
        Assert.EndsWith($"/webhooks/cloudpayments/{ngo.NgoId}/pay", payUrl);
        await page.GetByTestId("copy-cloudpayments-1").ClickAsync();
        Assert.Equal(payUrl, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // The provider's cabinet holds another secret: its Pay is refused, and the page says what to fix within a minute.
        Assert.Equal(HttpStatusCode.Unauthorized, await ProviderSendsPayAsync(payUrl, "an-old-secret"));
        await Assertions.Expect(page.GetByTestId("reason-cloudpayments")).ToHaveAttributeAsync("data-code", "signature", Minute);
        await Assertions.Expect(page.GetByTestId("reason-cloudpayments")).ToContainTextAsync("Подпись не совпадает: проверьте API Secret");
        await app.ShotAsync("providers-refused");
        // Fixed in the cabinet: the next Pay is accepted and counted beside the refusal.
        Assert.Equal(HttpStatusCode.OK, await ProviderSendsPayAsync(payUrl, secret));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var row = page.GetByTestId($"day-cloudpayments-{today}");
        await Assertions.Expect(row.GetByTestId("accepted")).ToHaveTextAsync("1", new() { Timeout = 60_000 });
        await Assertions.Expect(row.GetByTestId("refused")).ToHaveTextAsync(_answers.Count(a => (int)a >= 300).ToString());
        await app.ShotAsync("providers-accepted");

        // Campaigns: a wrong end date is shown next to the form, the right one creates it; then renamed and closed.
        await app.OpenAsync("/setup/campaigns");
        await page.GetByTestId("name").FillAsync("Тёплая зима");
        await page.GetByTestId("starts-at").FillAsync("2026-11-20T10:00");
        await page.GetByTestId("ends-at").FillAsync("2026-11-01T10:00");
        await page.GetByTestId("submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("result").GetByTestId("error")).ToContainTextAsync("Окончание должно быть позже начала.");
        await app.ShotAsync("campaigns-bad-input");
        await page.GetByTestId("ends-at").FillAsync("");
        await page.GetByTestId("submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaigns").Locator("[data-testid=col-name]", new() { HasTextString = "Тёплая зима" })).ToBeVisibleAsync();
        var campaignRow = page.GetByTestId("campaigns").Locator("tr", new() { HasTextString = "Тёплая зима" });
        await campaignRow.Locator("[data-testid^=edit-]").ClickAsync();
        await page.GetByTestId("name").FillAsync("Тёплая зима 2026");
        await page.GetByTestId("submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToHaveTextAsync("Сохранено.");
        var renamed = page.GetByTestId("campaigns").Locator("tr", new() { HasTextString = "Тёплая зима 2026" });
        await Assertions.Expect(renamed.GetByTestId("col-status")).ToHaveTextAsync("идёт");
        await app.ShotAsync("campaigns");

        // Fundraisers: one for the campaign, 1 500 ₽ by a date.
        await app.OpenAsync("/setup/fundraisers");
        await page.GetByTestId("title").FillAsync("Куртки для приюта");
        await page.GetByTestId("campaign").SelectOptionAsync(new SelectOptionValue { Label = "Тёплая зима 2026" });
        await page.GetByTestId("goal").FillAsync("1500");
        await page.GetByTestId("deadline").FillAsync(DateTime.Now.AddDays(20).ToString("yyyy-MM-ddT12:00"));
        await page.GetByTestId("submit").ClickAsync();
        var fundraiser = page.GetByTestId("fundraisers").Locator("tr", new() { HasTextString = "Куртки для приюта" });
        await Assertions.Expect(fundraiser.GetByTestId("col-goal")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"1\s?500"));
        await app.ShotAsync("fundraisers");

        // Spend by hand: 700.50 ₽ of a VK grant.
        await app.OpenAsync("/setup/spend");
        await page.GetByTestId("campaign").SelectOptionAsync(new SelectOptionValue { Label = "Тёплая зима 2026" });
        await page.GetByTestId("amount").FillAsync("700,50");
        await page.GetByTestId("source").SelectOptionAsync("vk_grant");
        await page.GetByTestId("submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("spend").GetByTestId("col-amount")).ToContainTextAsync("700,50");
        await Assertions.Expect(page.GetByTestId("spend").GetByTestId("col-source")).ToHaveTextAsync("грант VK");
        await app.ShotAsync("spend");

        // Closing the campaign, now that its fundraiser and spend are in.
        await app.OpenAsync("/setup/campaigns");
        await page.GetByTestId("campaigns").Locator("tr", new() { HasTextString = "Тёплая зима 2026" }).Locator("[data-testid^=close-]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaigns").Locator("tr", new() { HasTextString = "Тёплая зима 2026" }).GetByTestId("col-status")).ToHaveTextAsync("завершена");

        // Attribution: linear, and the replay of history (the accepted Pay) runs to its end.
        await app.OpenAsync("/setup/attribution");
        await app.ShotAsync("attribution");
        await page.GetByTestId("model-linear").CheckAsync();
        await page.GetByTestId("save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("current")).ToHaveAttributeAsync("data-model", "linear");
        await Assertions.Expect(page.GetByTestId("progress-state")).ToHaveAttributeAsync("data-state", "finished", Minute);
        await Assertions.Expect(page.GetByTestId("progress-line")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(\d+) из \1$"));
        await app.ShotAsync("attribution-finished");

        // Keys: the viewer key replaced; the new one shown once; the old one refused at sign-in, the new one opens reports only.
        await app.OpenAsync("/setup/keys");
        await app.ShotAsync("keys");
        await page.GetByTestId("rotate-viewer").ClickAsync();
        await page.GetByTestId("confirm-rotate").ClickAsync();
        var newKey = (await page.GetByTestId("new-key").TextContentAsync())!;
        Assert.NotEqual(ngo.ViewerKey, newKey);
        Assert.DoesNotContain(newKey, page.Url);
        await app.ShotAsync("keys-rotated");
        await page.GetByTestId("key-saved").ClickAsync();
        await app.WaitReadyAsync();
        Assert.Equal(0, await page.GetByTestId("new-key").CountAsync()); // shown once
        await page.GetByTestId("sign-out").ClickAsync();
        await app.SignInAsync(ngo.NgoId, ngo.ViewerKey, refused: true);
        await app.ShotAsync("old-key-refused");
        await app.SignInAsync(ngo.NgoId, newKey);
        await Assertions.Expect(page.GetByTestId("role")).ToContainTextAsync("только отчёты");
        Assert.Equal(0, await page.GetByTestId("nav-setup-providers").CountAsync());
    }
    [Fact]
    public async Task A_manager_chooses_the_NGO_s_time_zone_and_the_reports_count_today_there()
    {
        // A zone whose date differs from Moscow's (the NGO's default and the test browser's zone) right now: the page cannot pass by either.
        var zone = DateTime.UtcNow.Hour is >= 10 and < 21 ? "Pacific/Kiritimati" : "Pacific/Honolulu";
        var ngo = await Scenario.NewNgoAsync(system);
        await using var app = await AppBrowser.OpenAsync(system.Web.BaseAddress);
        var page = app.Page;
        await app.SignInAsync(ngo.NgoId, ngo.ManagerKey);

        await app.OpenAsync("/setup/organisation");
        await Assertions.Expect(page.GetByTestId("current")).ToHaveAttributeAsync("data-zone", "Europe/Moscow");
        await page.GetByTestId("time-zone").SelectOptionAsync(zone);
        await page.GetByTestId("save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("current")).ToHaveAttributeAsync("data-zone", zone);
        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
        await app.ShotAsync("time-zone");

        await app.OpenAsync("/reports/summary");
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(zone)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.EndsWith($"..{today}", await page.GetByTestId("comparison").GetAttributeAsync("data-current"));
    }
}
