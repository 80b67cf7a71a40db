using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Testing;
using Microsoft.Playwright;

namespace Donations.EndToEndTests.Browser;

/// <summary>
/// Issue 12 item 10 on the pages: a wrong token, an unknown community, a token without the rights, VK's error pages and an
/// ads account the token cannot see are each said on the page in the person's words, and nothing is half-saved.
/// </summary>
[Collection(SystemCollection.Name)]
public class VkBadInputTests(DonationsSystem system)
{
    private static long _nextGroup = 990_000 + Random.Shared.Next(100_000) * 10;

    [Fact]
    public async Task Every_refusal_of_vk_is_a_clear_message_on_the_page_and_nothing_is_kept()
    {
        var ngoId = $"ngo-{Guid.NewGuid():N}"[..20];
        using var admin = system.Client(system.Ingestion, DonationsSystem.AdminKey);
        var keys = (await (await admin.PostAsJsonAsync("/api/ngos", new { id = ngoId, name = "Фонд проверки", verified = false })).Content.ReadFromJsonAsync<JsonObject>())!;
        var (mine, token, userToken) = (Interlocked.Increment(ref _nextGroup), $"vk1.a.mine-{Guid.NewGuid():N}", $"vk1.a.user-{Guid.NewGuid():N}");
        var community = system.Vk.Add(mine, "Мой фонд", token);
        community.StatsToken = userToken;
        community.AdsAccountId = mine * 10;
        community.Posts.Add(new FakeVk.Post(1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, "Пост", 10, 1, 0, 5));
        var other = system.Vk.Add(Interlocked.Increment(ref _nextGroup), "Чужой фонд", $"vk1.a.other-{Guid.NewGuid():N}");

        await using var app = await AppBrowser.OpenAsync(system.Web.BaseAddress);
        var page = app.Page;
        await app.SignInAsync(ngoId, keys["managerKey"]!.GetValue<string>());
        await app.OpenAsync("/vk/connect");

        async Task RefusedAsync(string group, string accessToken, string? user, string message, string shot)
        {
            await page.GetByTestId("vk-group").FillAsync(group);
            await page.GetByTestId("vk-token").FillAsync(accessToken);
            await page.GetByTestId("vk-user-token").FillAsync(user ?? "");
            await page.GetByTestId("vk-connect").ClickAsync();
            await Assertions.Expect(page.GetByTestId("connect-result").GetByTestId("error")).ToContainTextAsync(message);
            await app.ShotAsync(shot);
        }

        await RefusedAsync("vk.com/helpkids", token, null, "Укажите сообщество числом", "short-name");
        await RefusedAsync($"club{mine}", "vk1.a.wrong", null, "не принял ключ доступа сообщества", "wrong-token");
        await RefusedAsync("club1", token, null, "не принял номер сообщества", "unknown-community");
        await RefusedAsync($"club{mine}", other.AccessToken, null, "нет нужных прав", "token-of-another-community");
        await RefusedAsync($"club{mine}", token, other.AccessToken, "нет права «статистика»", "user-token-without-stats");
        system.Vk.Outage((_, p) => p.GetValueOrDefault("group_id") == mine.ToString());
        try
        {
            await RefusedAsync($"club{mine}", token, null, "ВКонтакте сейчас недоступен", "vk-error-page");
        }
        finally
        {
            system.Vk.Outage(null);
        }
        // Nothing of the refused attempts was kept.
        await page.ReloadAsync();
        await app.WaitReadyAsync();
        await Assertions.Expect(page.GetByTestId("not-connected")).ToBeVisibleAsync();

        // Connected; then an ads account the user token cannot see, and a VK Ads campaign the account does not have.
        await page.GetByTestId("vk-group").FillAsync(mine.ToString());
        await page.GetByTestId("vk-token").FillAsync(token);
        await page.GetByTestId("vk-user-token").FillAsync(userToken);
        await page.GetByTestId("vk-connect").ClickAsync();
        await Assertions.Expect(page.GetByTestId("community-name")).ToHaveTextAsync("Мой фонд");
        await Assertions.Expect(page.GetByTestId("community-verified")).Not.ToHaveAttributeAsync("data-verified", "");

        await app.OpenAsync("/vk/posts");
        await page.GetByTestId("campaign-name").FillAsync("Реклама");
        await page.GetByTestId("create-campaign").ClickAsync();
        await Assertions.Expect(page.GetByTestId("posts-status")).ToContainTextAsync("Реклама");
        await app.OpenAsync("/vk/ads");
        await page.GetByTestId("ads-account").FillAsync("424242");
        await page.GetByTestId("ads-campaign").FillAsync("777");
        await page.GetByTestId("ads-our-campaign").SelectOptionAsync(new SelectOptionValue { Label = "Реклама" });
        await page.GetByTestId("ads-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("ads-result").GetByTestId("error")).ToContainTextAsync("не видит этот рекламный кабинет");
        await app.ShotAsync("ads-account-not-visible");
        await page.GetByTestId("ads-account").FillAsync((mine * 10).ToString());
        await page.GetByTestId("ads-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("ads-result").GetByTestId("error")).ToContainTextAsync("нет такой рекламной кампании");
        await app.ShotAsync("ads-campaign-unknown");
        await page.ReloadAsync();
        await app.WaitReadyAsync();
        Assert.Equal("", await page.GetByTestId("ads-account").InputValueAsync());
    }
}
