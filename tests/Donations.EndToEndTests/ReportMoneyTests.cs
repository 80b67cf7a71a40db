using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>Money the reports got wrong in review, each through the running system: periods, kopecks, and refunds that come first.</summary>
[Collection(SystemCollection.Name)]
public class ReportMoneyTests(DonationsSystem system)
{
    private static Task<JsonNode> Get(Scenario ngo, string report) =>
        ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/reports/{report}")!;

    [Fact]
    public async Task Payouts_count_only_money_and_withdrawals_of_the_period_asked_for()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ConfigureAsync("vk", new { groupId = 4321, secret = "vk-secret", confirmation = "ok321" });
        foreach (var (type, body) in new[]
                 {
                     ("donut_subscription_create", "{\"amount\":300,\"amount_without_fee\":291.5,\"user_id\":42}"),
                     ("donut_money_withdraw", "{\"amount\":250,\"amount_without_fee\":245}"),
                 })
        {
            var json = $"{{\"type\":\"{type}\",\"group_id\":4321,\"event_id\":\"evt-p-{type}\",\"v\":\"5.199\",\"secret\":\"vk-secret\",\"object\":{body}}}";
            Assert.Equal(HttpStatusCode.OK, (await ngo.PostRawAsync($"/webhooks/vk/{ngo.NgoId}", Encoding.UTF8.GetBytes(json), "application/json")).StatusCode);
        }
        await ngo.DonationWhenAsync("evt-p-donut_subscription_create", _ => true, provider: "vk");
        await Eventually.Async(async () => (await Get(ngo, "payouts")).AsArray().Any(l => l!.Str("provider") == "vk" && l!.Long("paidOutMinor") == 250_00),
            "the withdrawal reaches Reporting");

        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd");
        var now = (await Get(ngo, $"payouts?from={today}&to={today}")).AsArray().Single(l => l!.Str("provider") == "vk")!;
        Assert.Equal((300_00L, 250_00L), (now.Long("grossMinor"), now.Long("paidOutMinor")));
        // A month long past: neither the donation nor the withdrawal happened in it.
        Assert.Empty((await Get(ngo, "payouts?from=2020-01-01&to=2020-01-31")).AsArray());
        var csv = Encoding.UTF8.GetString((await ngo.Reporting.GetByteArrayAsync($"/api/ngos/{ngo.NgoId}/reports/payouts?from=2020-01-01&to=2020-01-31&format=csv"))[3..]);
        Assert.Single(csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)); // the header only
    }

    [Fact]
    public async Task Verification_keeps_the_kopecks_per_post_and_counts_donations_apart_from_posts()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var first = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-6101_1", "kopecks")));
        var second = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-6101_2", "kopecks"));
        long[] amounts = [100_01, 50_00, 50_00];
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-kop-1", amounts[0], first));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-kop-2", amounts[1], await ngo.ClickAsync(second)));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-kop-3", amounts[2], await ngo.ClickAsync(second)));
        foreach (var tx in new[] { "tx-kop-1", "tx-kop-2", "tx-kop-3" }) await ngo.DonationAsync(tx, "attributed");

        var period = Assert.Single((await Get(ngo, "verification")).AsArray())!;
        var total = amounts.Sum();
        Assert.Equal((total, 2L, 3L), (period.Long("attributedToPostsMinor"), period.Long("postsCredited"), period.Long("donations")));
        Assert.Equal((long)Math.Round(total / 2m, MidpointRounding.AwayFromZero), period.Long("perPostMinor")); // 100.005 ₽ is 100.01 ₽, not 100.00
        var csv = Encoding.UTF8.GetString((await ngo.Reporting.GetByteArrayAsync($"/api/ngos/{ngo.NgoId}/reports/verification?format=csv"))[3..])
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("verified,from,until,currency,attributed_to_posts,posts_credited,per_post,donations", csv[0]);
        Assert.EndsWith(",RUB,200.01,2,100.01,3", csv[1]);
    }

    [Fact]
    public async Task A_refund_that_arrives_before_its_payment_is_checked_for_currency_and_amount_and_shown_when_refused()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        // Refunds first, as a provider may send them: one in the wrong currency, one above the payment, one that fits.
        Assert.True((await ngo.PostGenericAsync(Scenario.RefundBody("rf-early-usd", "tx-early", 50_00, "USD"))).IsSuccessStatusCode);
        Assert.True((await ngo.PostGenericAsync(Scenario.RefundBody("rf-early-big", "tx-early-2", 1500_00))).IsSuccessStatusCode);
        Assert.True((await ngo.PostGenericAsync(Scenario.RefundBody("rf-early-ok", "tx-early-3", 100_00))).IsSuccessStatusCode);
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-early", 300_00));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-early-2", 1000_00));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-early-3", 400_00));

        var wrongCurrency = await ngo.DonationWhenAsync("tx-early", d => d["refusedRefunds"]!.AsArray().Count == 1, " with its refused refund");
        Assert.Equal(0, wrongCurrency.Long("refundedMinor"));
        var refused = wrongCurrency["refusedRefunds"]![0]!;
        Assert.Equal(("rf-early-usd", 50_00L, "USD"), (refused.Str("refundTxId"), refused.Long("amountMinor"), refused.Str("currency")));
        Assert.Contains("USD", refused.Str("reason"));
        var tooBig = await ngo.DonationWhenAsync("tx-early-2", d => d["refusedRefunds"]!.AsArray().Count == 1, " with its refused refund");
        Assert.Equal(0, tooBig.Long("refundedMinor")); // not capped to the payment: refused, as it would be after the payment
        Assert.Contains("1000", tooBig["refusedRefunds"]![0]!.Str("reason"));
        var fits = await ngo.DonationWhenAsync("tx-early-3", d => d.Long("refundedMinor") == 100_00, " refunded");
        Assert.Empty(fits["refusedRefunds"]!.AsArray());

        var rub = Assert.Single((await Get(ngo, "summary"))["currencies"]!.AsArray())!;
        Assert.Equal((1700_00L, 100_00L, 1600_00L), (rub.Long("grossMinor"), rub.Long("refundedMinor"), rub.Long("netMinor")));
        // What the providers said was refunded and the reports do not count is a difference reconciliation shows.
        JsonNode report = null!;
        await Eventually.Async(async () => (report = (await ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/reconciliation"))!).Str("status") == "mismatched",
            "reconciliation shows the refused refunds");
        var differences = report["differences"]!.AsArray().Select(d => d!.Str("providerTxId")).Order().ToList();
        Assert.Equal(["tx-early", "tx-early-2"], differences);
    }
    [Fact]
    public async Task Daily_by_post_with_top_keeps_the_posts_that_raised_most_and_sums_the_rest_as_one_line()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var raised = new Dictionary<string, long> { ["wall-6102_1"] = 500_00, ["wall-6102_2"] = 300_00, ["wall-6102_3"] = 100_00, ["wall-6102_4"] = 50_00 };
        foreach (var (post, amount) in raised)
        {
            var click = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync(post, "top")));
            await ngo.PostGenericAsync(Scenario.DonationBody($"tx-top-{post}", amount, click));
        }
        foreach (var post in raised.Keys) await ngo.DonationAsync($"tx-top-{post}", "attributed");

        var lines = (await Get(ngo, "daily?by=post&top=2"))["byKey"]!.AsArray().Select(l => (Key: l!.Str("key"), Minor: l!.Long("attributedMinor")))
            .GroupBy(l => l.Key).ToDictionary(g => g.Key, g => g.Sum(l => l.Minor)); // a donation made just before midnight may fall on the next day
        var largest = raised.OrderByDescending(r => r.Value).Take(2).ToList();
        var expected = largest.ToDictionary(r => r.Key, r => r.Value);
        expected[""] = raised.Values.Sum() - largest.Sum(r => r.Value);
        Assert.Equal(expected.OrderBy(e => e.Key), lines.OrderBy(e => e.Key));
        Assert.Equal(raised.Count, (await Get(ngo, "daily?by=post"))["byKey"]!.AsArray().Select(l => l!.Str("key")).Distinct().Count());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/daily?by=post&top=0")).StatusCode);
    }
}
