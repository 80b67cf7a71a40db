using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Donations.EndToEndTests.Browser;

/// <summary>
/// Every report page against what was sent: an NGO gets posts in two campaigns, links, human and bot clicks, generic
/// webhooks in roubles and dollars, a refund, a fundraiser that reaches its goal, own and VK-grant spend, VK Donut money
/// and a withdrawal, and a verification change — all through the real path. Each page's totals are checked against the
/// API and against the values computed here, and kept as screenshots (desktop and phone).
/// </summary>
[Collection(SystemCollection.Name)]
public class ReportPagesTests(DonationsSystem system)
{
    private sealed record Sent(string Tx, long Amount, string Currency, string? Post, string? Campaign, string? Fundraiser, DateTimeOffset At, long Refunded = 0, string Provider = "generic");

    [Fact]
    public async Task Every_report_page_shows_the_totals_the_api_gives_and_the_test_computes_from_what_it_sent()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var now = DateTimeOffset.UtcNow;
        var postA = await ngo.RegisterPostAsync("wall-9100_1", "spring");
        var postB = await ngo.RegisterPostAsync("wall-9100_2", "autumn");
        Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers", new
        {
            id = "beds", campaignId = "spring", title = "Кровати для приюта", goal = new { amountMinor = 1000_00, currency = "RUB" }, deadline = now.AddDays(10),
        })).StatusCode);
        // One that ended two hours ago short of its goal, and one still running with nothing yet.
        foreach (var (id, campaign, deadline) in new[] { ("coats", "autumn", now.AddHours(-2)), ("toys", "autumn", now.AddDays(20)) })
            Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers", new
            {
                id, campaignId = campaign, title = $"Сбор {id}", goal = new { amountMinor = 2000_00, currency = "RUB" }, deadline,
            })).StatusCode);
        var codeA = await ngo.CreateLinkAsync(postA);
        var codeB = await ngo.CreateLinkAsync(postB);
        var clickA = await ngo.ClickAsync(codeA);
        var clickB = await ngo.ClickAsync(codeB);
        var clickB2 = await ngo.ClickAsync(codeB);
        await ngo.ClickAsync(codeA, "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)");
        foreach (var (campaign, post, amount, source) in new[] { ("spring", (string?)postA, 400_00L, "own"), ("spring", null, 200_00L, "vk_grant") })
            Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/spend",
                new { campaignId = campaign, postId = post, amountMinor = amount, currency = "RUB", source, at = now })).StatusCode);

        var sent = new List<Sent>
        {
            new("tx-pages-a1", 1000_00, "RUB", postA, "spring", null, now, Refunded: 100_00),
            new("tx-pages-b1", 500_00, "RUB", postB, "autumn", null, now),
            new("tx-pages-u1", 20_00, "USD", postB, "autumn", null, now),
            new("tx-pages-none", 300_00, "RUB", null, null, null, now),
            new("tx-pages-old", 200_00, "RUB", null, null, null, now.AddDays(-40)),
            new("tx-pages-f1", 250_00, "RUB", null, "spring", "beds", now),
            new("tx-pages-f2", 800_00, "RUB", null, "spring", "beds", now),
            new("tx-pages-c1", 100_00, "RUB", null, "autumn", "coats", now.AddHours(-3)),
        };
        var clicks = new Dictionary<string, string> { ["tx-pages-a1"] = clickA, ["tx-pages-b1"] = clickB, ["tx-pages-u1"] = clickB2 };
        foreach (var d in sent)
            Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody(d.Tx, d.Amount, clicks.GetValueOrDefault(d.Tx), d.Currency, d.Fundraiser, occurredAt: d.At))).StatusCode);
        foreach (var d in sent) await ngo.DonationAsync(d.Tx, d.Post is null && d.Fundraiser is null ? "no click id" : "attributed");
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.RefundBody("rf-pages-a1", "tx-pages-a1", 100_00))).StatusCode);
        await ngo.DonationWhenAsync("tx-pages-a1", d => d.Long("refundedMinor") == 100_00);

        // VK Donut: a subscriber's money (VK keeps its fee) and a withdrawal to the bank.
        var group = 7_000_000 + Random.Shared.Next(1_000_000);
        await ngo.ConfigureAsync("vk", new { groupId = group, secret = "vk-secret", confirmation = "ok123" });
        foreach (var (type, body) in new[] { ("donut_subscription_create", "{\"amount\":300,\"amount_without_fee\":291.5,\"user_id\":42}"), ("donut_money_withdraw", "{\"amount\":250,\"amount_without_fee\":245}") })
        {
            var json = $"{{\"type\":\"{type}\",\"group_id\":{group},\"event_id\":\"evt-{type}-{ngo.NgoId}\",\"v\":\"5.199\",\"secret\":\"vk-secret\",\"object\":{body}}}";
            Assert.Equal(HttpStatusCode.OK, (await ngo.PostRawAsync($"/webhooks/vk/{ngo.NgoId}", Encoding.UTF8.GetBytes(json), "application/json")).StatusCode);
        }
        await ngo.DonationWhenAsync($"evt-donut_subscription_create-{ngo.NgoId}", _ => true, provider: "vk");
        sent.Add(new($"evt-donut_subscription_create-{ngo.NgoId}", 300_00, "RUB", null, null, null, now, Provider: "vk"));

        // The community loses its verification; a later donation through a post counts for the unverified stretch.
        Assert.Equal(HttpStatusCode.OK, (await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/verification", new { verified = false })).StatusCode);
        await Task.Delay(100);
        var later = new Sent("tx-pages-b2", 100_00, "RUB", postB, "autumn", null, DateTimeOffset.UtcNow.AddSeconds(1));
        await ngo.PostGenericAsync(Scenario.DonationBody(later.Tx, later.Amount, await ngo.ClickAsync(codeB), occurredAt: later.At));
        await ngo.DonationAsync(later.Tx, "attributed");
        sent.Add(later);

        // What the test expects, from what it sent.
        var attributed = sent.Where(d => d.Post is not null || d.Fundraiser is not null).ToList();
        long Net(IEnumerable<Sent> list) => list.Sum(d => d.Amount - d.Refunded);
        var rub = sent.Where(d => d.Currency == "RUB").ToList();
        var currentRub = Net(rub.Where(d => d.At > now.AddDays(-29)));
        var previousRub = Net(rub.Where(d => d.At <= now.AddDays(-29)));
        var springRub = Net(attributed.Where(d => d.Campaign == "spring" && d.Currency == "RUB"));
        var postsRub = Net(attributed.Where(d => d.Post is not null && d.Currency == "RUB"));
        var bedsRaised = Net(attributed.Where(d => d.Fundraiser == "beds"));
        var beforeChange = attributed.Where(d => d.Post is not null && d.Currency == "RUB" && d != later).ToList();
        var perPostVerified = (long)Math.Round((decimal)Net(beforeChange) / beforeChange.Select(d => d.Post).Distinct().Count(), MidpointRounding.AwayFromZero);

        async Task<JsonNode> Api(string path) => (await ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/{path}"))!;
        await Eventually.Async(async () => (await Api("reconciliation")).Str("status") == "balanced", "the reconciliation balances", 60);
        await Eventually.Async(async () => (await Api("reports/verification")).AsArray().Count >= 2, "the verification change reaches Reporting");
        var summary = await Api("reports/summary");
        var rubTotals = summary["currencies"]!.AsArray().Single(c => c!.Str("currency") == "RUB")!;
        Assert.Equal((rub.Sum(d => d.Amount), rub.Sum(d => d.Refunded), Net(rub)), (rubTotals.Long("grossMinor"), rubTotals.Long("refundedMinor"), rubTotals.Long("netMinor")));
        Assert.Equal(Net(attributed.Where(d => d.Currency == "RUB")), rubTotals.Long("attributedMinor"));

        await using var app = await AppBrowser.OpenAsync(system.Web.BaseAddress);
        var page = app.Page;
        await app.SignInAsync(ngo.NgoId, ngo.ViewerKey);
        // The amount an element (or the cell's money inside it) shows, in minor units.
        async Task<long> Minor(ILocator at) => long.Parse((await at.First.Locator("xpath=descendant-or-self::*[@data-minor]").First.GetAttributeAsync("data-minor"))!);

        // Summary: totals per currency, this period (the last 30 days) against the 30 before, one chart per currency.
        await app.OpenAsync("/reports/summary");
        await Assertions.Expect(page.GetByTestId("comparison").GetByTestId("compare-RUB")).ToBeVisibleAsync();
        Assert.Equal(Net(rub), await Minor(page.GetByTestId("net-RUB")));
        Assert.Equal(rubTotals.Long("netMinor"), await Minor(page.GetByTestId("net-RUB")));
        Assert.Equal(20_00, await Minor(page.GetByTestId("net-USD")));
        Assert.Equal((currentRub, previousRub, currentRub - previousRub),
            (await Minor(page.GetByTestId("compare-net-RUB")), await Minor(page.GetByTestId("compare-previous-RUB")), await Minor(page.GetByTestId("compare-change-RUB"))));
        Assert.Equal((20_00L, 0L), (await Minor(page.GetByTestId("compare-net-USD")), await Minor(page.GetByTestId("compare-previous-USD"))));
        Assert.Equal(1, await page.GetByTestId("daily-canvas-RUB").CountAsync());
        Assert.Equal(1, await page.GetByTestId("daily-canvas-USD").CountAsync());
        await Assertions.Expect(page.GetByTestId("reasons")).ToContainTextAsync("нет идентификатора клика");
        await app.ShotAsync("summary");

        // Posts: the funnel with each post's money per currency, campaign and return on its spend.
        await app.OpenAsync("/reports/funnel");
        var rowA = page.GetByTestId($"funnel-{postA}");
        var rowB = page.GetByTestId($"funnel-{postB}");
        Assert.Equal(Net(attributed.Where(d => d.Post == postA)), await Minor(rowA.GetByTestId("money-RUB")));
        Assert.Equal(Net(attributed.Where(d => d.Post == postB && d.Currency == "RUB")), await Minor(rowB.GetByTestId("money-RUB")));
        Assert.Equal(20_00, await Minor(rowB.GetByTestId("money-USD")));
        Assert.Equal(("1", "1"), (await rowA.GetByTestId("people").InnerTextAsync(), await rowA.GetByTestId("bots").InnerTextAsync()));
        Assert.Equal("Кампания spring", await rowA.GetByTestId("campaign").InnerTextAsync());
        var postLine = (await Api("reports/posts")).AsArray().Single(p => p!.Str("postId") == postA)!["money"]!.AsArray().Single()!;
        Assert.Equal(Ratio(postLine["raisedPerRubleSpent"]!.GetValue<double>()), await rowA.GetByTestId("per-ruble").InnerTextAsync());
        Assert.Equal(Ratio((double)Net(attributed.Where(d => d.Post == postA)) / 400_00), await rowA.GetByTestId("per-ruble").InnerTextAsync());
        await page.GetByTestId("sort-money").ClickAsync();
        await app.ShotAsync("posts");

        // Campaigns: raised per rouble of own budget and of VK grant, side by side.
        await app.OpenAsync("/reports/campaigns");
        var spring = page.GetByTestId("campaign-spring-RUB");
        var springApi = (await Api("reports/campaigns")).AsArray().Single(c => c!.Str("campaignId") == "spring")!["money"]!.AsArray().Single(m => m!.Str("currency") == "RUB")!;
        Assert.Equal((springRub, springApi.Long("attributedMinor")), (await Minor(spring.GetByTestId("raised")), springRub));
        Assert.Equal((400_00L, 200_00L), (await Minor(spring.GetByTestId("own")), await Minor(spring.GetByTestId("grant"))));
        Assert.Equal(Ratio((double)springRub / 400_00), await spring.GetByTestId("per-own").InnerTextAsync());
        Assert.Equal(Ratio((double)springRub / 200_00), await spring.GetByTestId("per-grant").InnerTextAsync());
        Assert.Equal(Ratio(springApi["raisedPerGrantRuble"]!.GetValue<double>()), await spring.GetByTestId("per-grant").InnerTextAsync());
        Assert.Equal(Ratio((double)springRub / 600_00), await spring.GetByTestId("per-all").InnerTextAsync());
        Assert.Equal(20_00, await Minor(page.GetByTestId("campaign-autumn-USD").GetByTestId("raised")));
        Assert.Equal(1, await page.GetByTestId("campaigns-chart-USD").CountAsync());
        await app.ShotAsync("campaigns");

        // Fundraisers: the goal meter, status and daily progress adding up to the total.
        await app.OpenAsync("/reports/fundraisers");
        var beds = page.GetByTestId("fundraiser-beds");
        Assert.Equal((bedsRaised, (await Api("reports/fundraisers/beds")).Long("raisedMinor")), (await Minor(beds.GetByTestId("raised")), bedsRaised));
        await Assertions.Expect(beds.GetByTestId("status")).ToHaveTextAsync("цель достигнута");
        Assert.Equal(bedsRaised.ToString(), await beds.GetByTestId("progress").GetAttributeAsync("data-total-minor"));
        Assert.Equal(bedsRaised.ToString(), await beds.GetByTestId("meter").GetAttributeAsync("aria-valuenow"));
        Assert.Equal(Net(attributed.Where(d => d.Fundraiser == "coats")), await Minor(page.GetByTestId("fundraiser-coats").GetByTestId("raised")));
        await Assertions.Expect(page.GetByTestId("fundraiser-coats").GetByTestId("status")).ToHaveTextAsync("завершён, цель не достигнута");
        await Assertions.Expect(page.GetByTestId("fundraiser-toys").GetByTestId("status")).ToHaveTextAsync("идёт");
        Assert.Equal(0, await Minor(page.GetByTestId("fundraiser-toys").GetByTestId("raised")));
        await app.ShotAsync("fundraisers");

        // Money by day, by post and by campaign, per currency.
        await app.OpenAsync("/reports/daily");
        Assert.Equal(postsRub, await Minor(page.GetByTestId("total-RUB")));
        Assert.Equal(20_00, await Minor(page.GetByTestId("total-USD")));
        await page.GetByTestId("by").SelectOptionAsync("campaign");
        await Assertions.Expect(page.GetByTestId("total-RUB")).ToHaveAttributeAsync("data-minor", Net(attributed.Where(d => d.Currency == "RUB")).ToString());
        await app.ShotAsync("daily");

        // Verification: money per post before and after the change.
        await app.OpenAsync("/reports/verification");
        var stretches = (await Api("reports/verification")).AsArray();
        Assert.Equal(perPostVerified, stretches.First(s => s!["verified"]!.GetValue<bool>() && s.Str("currency") == "RUB")!.Long("perPostMinor"));
        Assert.Equal(perPostVerified, await Minor(page.GetByTestId("stretch-0-RUB").GetByTestId("per-post")));
        Assert.Equal(later.Amount, await Minor(page.GetByTestId("stretch-1-RUB").GetByTestId("per-post")));
        await Assertions.Expect(page.GetByTestId("stretch-1-RUB").GetByTestId("state")).ToHaveTextAsync("не верифицировано");
        await app.ShotAsync("verification");

        // VK Donut: gross, VK's fee, withdrawn, not yet withdrawn.
        await app.OpenAsync("/reports/payouts");
        var donut = page.GetByTestId("donut-RUB");
        Assert.Equal((300_00L, 8_50L, 250_00L, 291_50L - 250_00L),
            (await Minor(donut.GetByTestId("gross")), await Minor(donut.GetByTestId("fee")), await Minor(donut.GetByTestId("withdrawn")), await Minor(donut.GetByTestId("not-withdrawn"))));
        Assert.Equal(rub.Where(d => d.Provider == "generic").Sum(d => d.Amount), await Minor(page.GetByTestId("payout-generic-RUB").GetByTestId("gross")));
        await app.ShotAsync("payouts");

        // Reconciliation: balanced, accepted against reported per provider and currency.
        await app.OpenAsync("/reports/reconciliation");
        await Assertions.Expect(page.GetByTestId("reconciliation")).ToHaveAttributeAsync("data-status", "balanced");
        var generic = page.GetByTestId("line-generic-RUB");
        Assert.Equal((Net(rub.Where(d => d.Provider == "generic")), Net(rub.Where(d => d.Provider == "generic")), 0L),
            (await Minor(generic.GetByTestId("accepted")), await Minor(generic.GetByTestId("reported")), await Minor(generic.GetByTestId("difference"))));
        // Its table downloads: the same lines, amounts in major units.
        var lines = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync((await lines.PathAsync())!);
        var genericNet = Net(rub.Where(d => d.Provider == "generic"));
        Assert.Contains($"generic,RUB,balanced,{rub.Count(d => d.Provider == "generic")},", csv);
        Assert.Contains($",{genericNet / 100}.{genericNet % 100:00},", csv);
        await app.ShotAsync("reconciliation");

        // Recurring: the Donut subscriber.
        await app.OpenAsync("/reports/recurring");
        var recurring = (await Api("reports/recurring"))["currencies"]!.AsArray().Single()!;
        Assert.Equal(recurring.Long("monthlyRecurringMinor"), await Minor(page.GetByTestId("mrr-RUB")));
        await app.ShotAsync("recurring");

        // Every table downloads; a download's failure is said on the page and keeps the person signed in.
        await app.OpenAsync("/reports/campaigns");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-xlsx").First.ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        await page.RouteAsync(new Regex(@"/reports/campaigns\?.*format=csv"), route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 503, ContentType = "application/problem+json", Body = "{\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"Reporting is restarting.\"}",
        }));
        await page.GetByTestId("download-csv").First.ClickAsync();
        await Assertions.Expect(page.Locator(".downloads").GetByTestId("error")).ToHaveAttributeAsync("data-status", "503");
        await Assertions.Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();
        await app.ShotAsync("download-failed");
    }

    /// <summary>A ratio as the Russian page writes it: two decimals at most, a decimal comma.</summary>
    private static string Ratio(double value) => (Math.Round(value * 100, MidpointRounding.AwayFromZero) / 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture).Replace('.', ',');
}
