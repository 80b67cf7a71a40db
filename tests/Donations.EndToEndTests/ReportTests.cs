using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>The reports a finance team reads, through the running system.</summary>
[Collection(SystemCollection.Name)]
public class ReportTests(DonationsSystem system)
{
    private static Task<JsonNode> Get(Scenario ngo, string report) =>
        ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/reports/{report}")!;

    [Fact]
    public async Task Posts_and_campaigns_show_clicks_conversion_money_and_return_on_own_and_grant_spend()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-6001_1", "roi"));
        await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-6001_2", "roi"));
        var clicks = new List<string>();
        for (var i = 0; i < 4; i++) clicks.Add(await ngo.ClickAsync(code));
        await ngo.ClickAsync(code, "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)");
        await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/spend", new { campaignId = "roi", postId = "wall-6001_1", amountMinor = 1000_00, currency = "RUB", source = "own", at = DateTimeOffset.UtcNow });
        await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/spend", new { campaignId = "roi", amountMinor = 500_00, currency = "RUB", source = "vk_grant", at = DateTimeOffset.UtcNow });
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-roi-1", 1500_00, clicks[0]));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-roi-2", 1500_00, clicks[1]));
        await ngo.DonationAsync("tx-roi-1", "attributed");
        await ngo.DonationAsync("tx-roi-2", "attributed");

        JsonNode posts = null!;
        await Eventually.Async(async () =>
        {
            posts = await Get(ngo, "posts");
            var first = posts.AsArray().Single(p => p!.Str("postId") == "wall-6001_1")!;
            return first.Long("clicks") == 4 && first.Long("botClicks") == 1 && first["money"]!.AsArray().Count == 1;
        }, "clicks and spend reach Reporting");
        var post = posts.AsArray().Single(p => p!.Str("postId") == "wall-6001_1")!;
        Assert.Equal(2, post["donations"]!.GetValue<int>());
        Assert.Equal(0.5, post["conversion"]!.GetValue<double>());
        var money = post["money"]![0]!;
        Assert.Equal((3000_00L, 1000_00L, 0L), (money.Long("attributedMinor"), money.Long("spendOwnMinor"), money.Long("spendGrantMinor")));
        Assert.Equal(3.0, money["raisedPerRubleSpent"]!.GetValue<double>());
        var quiet = posts.AsArray().Single(p => p!.Str("postId") == "wall-6001_2")!;
        Assert.Equal((0L, 0), (quiet.Long("clicks"), quiet["money"]!.AsArray().Count));

        var campaign = (await Get(ngo, "campaigns")).AsArray().Single(c => c!.Str("campaignId") == "roi")!["money"]![0]!;
        Assert.Equal((3000_00L, 1000_00L, 500_00L), (campaign.Long("attributedMinor"), campaign.Long("spendOwnMinor"), campaign.Long("spendGrantMinor")));
        Assert.Equal((2.0, 6.0), (campaign["raisedPerRubleSpent"]!.GetValue<double>(), campaign["raisedPerGrantRuble"]!.GetValue<double>()));
    }

    [Fact]
    public async Task A_fundraiser_counts_donations_made_by_its_deadline_even_reported_later_and_every_refund()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var deadline = DateTimeOffset.UtcNow.AddHours(-2);
        await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns", new { id = "coats-campaign", name = "Куртки", startsAt = deadline.AddDays(-30) });
        var created = await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers", new
        {
            id = "coats", campaignId = "coats-campaign", title = "Тёплые куртки", goal = new { amountMinor = 2000_00, currency = "RUB" }, deadline,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Eventually.Async(async () => (await Get(ngo, "fundraisers")).AsArray().Count == 1, "the fundraiser reaches Reporting");

        await ngo.PostGenericAsync(Scenario.DonationBody("tx-coat-1", 600_00, fundraiserId: "coats", occurredAt: deadline.AddHours(-1), donorId: "d1"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-coat-2", 500_00, fundraiserId: "coats", occurredAt: deadline.AddHours(-1), donorId: "d2"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-coat-late", 900_00, fundraiserId: "coats", occurredAt: deadline.AddHours(1), donorId: "d3"));
        // Donors are counted per day before the deadline's day, and to the moment on that day: one on each side.
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-coat-last", 100_00, fundraiserId: "coats", occurredAt: deadline.AddMinutes(-1), donorId: "d4"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-coat-early", 50_00, fundraiserId: "coats", occurredAt: deadline.AddDays(-2), donorId: "d5"));
        await ngo.PostGenericAsync(Scenario.RefundBody("rf-coat", "tx-coat-2", 200_00));
        await ngo.DonationWhenAsync("tx-coat-2", d => d.Long("refundedMinor") == 200_00);
        foreach (var tx in new[] { "tx-coat-late", "tx-coat-last", "tx-coat-early" }) await ngo.DonationAsync(tx, "attributed");
        // d5's earlier gift, reported afterwards: the donor's first day moves, and d5 is still one donor.
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-coat-earlier", 20_00, fundraiserId: "coats", occurredAt: deadline.AddDays(-4), donorId: "d5"));
        await ngo.DonationAsync("tx-coat-earlier", "attributed");

        var progress = (await ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/reports/fundraisers/coats"))!;
        Assert.Equal((2000_00L, 1070_00L), (progress.Long("goalMinor"), progress.Long("raisedMinor")));
        Assert.Equal((53.5, 4, "ended short"), (progress["percent"]!.GetValue<double>(), progress["donors"]!.GetValue<int>(), progress.Str("status")));
        var campaign = (await Get(ngo, "campaigns")).AsArray().Single(c => c!.Str("campaignId") == "coats-campaign")!["money"]![0]!;
        Assert.Equal(1970_00, campaign.Long("attributedMinor")); // every fundraiser donation counts for its campaign, the late one too
        Assert.Equal(HttpStatusCode.NotFound, (await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/fundraisers/no-such")).StatusCode);

        // A second fundraiser, in euros and with a later deadline, is counted in its own currency by its own deadline.
        Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers", new
        {
            id = "boots", campaignId = "coats-campaign", title = "Сапоги", goal = new { amountMinor = 100_00, currency = "EUR" }, deadline = deadline.AddDays(1),
        })).StatusCode);
        await Eventually.Async(async () => (await Get(ngo, "fundraisers")).AsArray().Count == 2, "the second fundraiser reaches Reporting");
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-boots-1", 40_00, currency: "EUR", fundraiserId: "boots", occurredAt: deadline.AddHours(1), donorId: "d1"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-boots-rub", 70_00, fundraiserId: "boots", occurredAt: deadline.AddHours(1), donorId: "d6"));
        foreach (var tx in new[] { "tx-boots-1", "tx-boots-rub" }) await ngo.DonationAsync(tx, "attributed");
        var all = (await Get(ngo, "fundraisers")).AsArray().ToDictionary(f => f!.Str("fundraiserId"), f => (f!.Long("raisedMinor"), f!["donations"]!.GetValue<int>(), f!["donors"]!.GetValue<int>()));
        Assert.Equal((1070_00L, 5, 4), all["coats"]);
        Assert.Equal((40_00L, 1, 1), all["boots"]);
    }

    [Fact]
    public async Task A_fundraisers_daily_progress_is_its_money_per_day_net_of_refunds_and_adds_up_to_its_total()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var now = DateTimeOffset.UtcNow;
        await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns", new { id = "daily-campaign", name = "По дням", startsAt = now.AddDays(-30) });
        Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers", new
        {
            id = "beds", campaignId = "daily-campaign", title = "Кровати", goal = new { amountMinor = 5000_00, currency = "RUB" }, deadline = now.AddDays(10),
        })).StatusCode);
        await Eventually.Async(async () => (await Get(ngo, "fundraisers")).AsArray().Count == 1, "the fundraiser reaches Reporting");

        // Three days of money, a refund of one of them, and a donation that is not the fundraiser's.
        var sent = new (string Tx, long Amount, DateTimeOffset At, string? Fundraiser)[]
        {
            ("tx-beds-1", 300_00, now.AddDays(-3), "beds"), ("tx-beds-2", 200_00, now.AddDays(-3).AddMinutes(5), "beds"),
            ("tx-beds-3", 400_00, now.AddDays(-1), "beds"), ("tx-beds-4", 150_00, now.AddMinutes(-10), "beds"), ("tx-other", 999_00, now.AddDays(-1), null),
        };
        foreach (var d in sent) await ngo.PostGenericAsync(Scenario.DonationBody(d.Tx, d.Amount, fundraiserId: d.Fundraiser, occurredAt: d.At));
        await ngo.PostGenericAsync(Scenario.RefundBody("rf-beds-3", "tx-beds-3", 100_00));
        foreach (var d in sent) await ngo.DonationAsync(d.Tx);
        await ngo.DonationWhenAsync("tx-beds-3", d => d.Long("refundedMinor") == 100_00);

        // Expected: per Moscow day, the fundraiser's donations less their refunds.
        var refunds = new Dictionary<string, long> { ["tx-beds-3"] = 100_00 };
        static string Day(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd");
        var expected = sent.Where(d => d.Fundraiser == "beds").GroupBy(d => Day(d.At)).OrderBy(g => g.Key)
            .Select(g => (g.Key, "beds", "RUB", g.Sum(d => d.Amount - refunds.GetValueOrDefault(d.Tx)))).ToArray();
        (string, string, string, long)[] Rows(JsonNode daily) =>
            daily["byKey"]!.AsArray().Select(r => (r!.Str("day"), r!.Str("key"), r!.Str("currency"), r!.Long("attributedMinor"))).ToArray();
        Assert.Equal(expected, Rows(await Get(ngo, "daily?by=fundraiser")));
        Assert.Equal(expected.Sum(e => e.Item4), (await Get(ngo, "fundraisers/beds")).Long("raisedMinor"));
        var oneDay = expected[1].Item1;
        Assert.Equal([expected[1]], Rows(await Get(ngo, $"daily?by=fundraiser&from={oneDay}&to={oneDay}")));
        var bad = await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/daily?by=donor");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'by'", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Daily_reports_follow_the_ngos_time_zone_and_honour_from_and_to()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var late = new DateTimeOffset(2026, 11, 10, 22, 30, 0, TimeSpan.Zero); // 11 November in Moscow
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-day-1", 100_00, occurredAt: late));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-day-2", 200_00, occurredAt: late.AddDays(-5)));
        await ngo.DonationAsync("tx-day-1");
        await ngo.DonationAsync("tx-day-2");

        var moscow = (await Get(ngo, "daily?from=2026-11-11&to=2026-11-11"))["days"]!.AsArray();
        Assert.Equal(("2026-11-11", 100_00L), (Assert.Single(moscow)!.Str("day"), moscow[0]!.Long("grossMinor")));
        var utc = (await Get(ngo, "daily?timeZone=UTC"))["days"]!.AsArray();
        Assert.Equal(["2026-11-05", "2026-11-10"], utc.Select(d => d!.Str("day")));
        var summary = (await Get(ngo, "summary?from=2026-11-01&to=2026-11-06"))["currencies"]!.AsArray();
        Assert.Equal(200_00, Assert.Single(summary)!.Long("grossMinor"));
        Assert.Equal(HttpStatusCode.BadRequest, (await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/daily?from=2026-11-12&to=2026-11-11")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/daily?timeZone=Mars/Olympus")).StatusCode);
    }

    [Fact]
    public async Task The_summary_as_of_a_past_moment_says_what_it_said_then()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-then", 100_00));
        await ngo.DonationAsync("tx-then");
        var then = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await ngo.PostGenericAsync(Scenario.RefundBody("rf-now", "tx-then", 40_00));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-now", 300_00));
        await ngo.DonationWhenAsync("tx-then", d => d.Long("refundedMinor") > 0);
        await ngo.DonationAsync("tx-now");

        var past = Assert.Single((await Get(ngo, $"summary?asOf={Uri.EscapeDataString(then.ToString("O"))}"))["currencies"]!.AsArray())!;
        Assert.Equal((100_00L, 0L, 1L), (past.Long("grossMinor"), past.Long("refundedMinor"), past.Long("donations")));
        var now = Assert.Single((await Get(ngo, "summary"))["currencies"]!.AsArray())!;
        Assert.Equal((400_00L, 40_00L, 2L), (now.Long("grossMinor"), now.Long("refundedMinor"), now.Long("donations")));
    }

    [Fact]
    public async Task Csv_is_rfc_4180_utf8_with_a_bom_in_major_units_one_currency_per_row()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-csv-rub", 1500_50));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-csv-eur", 20_00, currency: "EUR"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-csv-jpy", 5000, currency: "JPY"));
        await ngo.DonationAsync("tx-csv-rub");
        await ngo.DonationAsync("tx-csv-eur");
        await ngo.DonationAsync("tx-csv-jpy");
        await ngo.RegisterPostAsync("wall-6002_1", "csv-campaign");
        await Eventually.Async(async () => (await Get(ngo, "campaigns")).AsArray().Count == 1, "the campaign reaches Reporting");

        var response = await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/summary?format=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("currency,gross,refunded,net,attributed,unattributed,fee,net_of_fee,donations", lines[0]);
        Assert.Contains("EUR,20.00,0.00,20.00,0.00,20.00,0.00,20.00,1", lines);
        Assert.Contains("JPY,5000,0,5000,0,5000,0,5000,1", lines);
        Assert.Contains("RUB,1500.50,0.00,1500.50,0.00,1500.50,0.00,1500.50,1", lines);

        var campaigns = Encoding.UTF8.GetString((await ngo.Reporting.GetByteArrayAsync($"/api/ngos/{ngo.NgoId}/reports/campaigns?format=csv"))[3..]);
        Assert.Contains("csv-campaign,Кампания csv-campaign,", campaigns);
    }

    [Fact]
    public async Task Vk_donut_withdrawals_are_set_against_the_donut_money_received()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ConfigureAsync("vk", new { groupId = 1234, secret = "vk-secret", confirmation = "ok123" });
        foreach (var (type, body) in new[]
                 {
                     ("donut_subscription_create", "{\"amount\":300,\"amount_without_fee\":291.5,\"user_id\":42}"),
                     ("donut_money_withdraw", "{\"amount\":250,\"amount_without_fee\":245}"),
                     ("donut_money_withdraw_error", "{\"reason\":\"bank declined\"}"),
                 })
        {
            var json = $"{{\"type\":\"{type}\",\"group_id\":1234,\"event_id\":\"evt-{type}\",\"v\":\"5.199\",\"secret\":\"vk-secret\",\"object\":{body}}}";
            Assert.Equal(HttpStatusCode.OK, (await ngo.PostRawAsync($"/webhooks/vk/{ngo.NgoId}", Encoding.UTF8.GetBytes(json), "application/json")).StatusCode);
        }
        await ngo.DonationWhenAsync("evt-donut_subscription_create", _ => true, provider: "vk");

        JsonNode vk = null!;
        await Eventually.Async(async () =>
        {
            vk = (await Get(ngo, "payouts")).AsArray().SingleOrDefault(l => l!.Str("provider") == "vk")!;
            return vk is not null && vk.Long("paidOutMinor") > 0 && vk["failedPayouts"]!.GetValue<int>() == 1;
        }, "the payouts reach Reporting");
        Assert.Equal((300_00L, 8_50L, 291_50L), (vk.Long("grossMinor"), vk.Long("feeMinor"), vk.Long("netOfFeeMinor")));
        Assert.Equal((250_00L, 5_00L, 245_00L), (vk.Long("paidOutMinor"), vk.Long("payoutFeeMinor"), vk.Long("reachedBankMinor")));
    }

    [Fact]
    public async Task Money_per_post_is_compared_before_and_after_the_verification_changed()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var click = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-6003_1", "verify")));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-verified", 400_00, click));
        await ngo.DonationAsync("tx-verified", "attributed");
        Assert.Equal(HttpStatusCode.OK, (await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/verification", new { verified = false })).StatusCode);
        await Task.Delay(100);
        var later = await ngo.ClickAsync(await ngo.CreateLinkAsync("wall-6003_1"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-unverified", 100_00, later, occurredAt: DateTimeOffset.UtcNow.AddSeconds(1)));
        await ngo.DonationAsync("tx-unverified", "attributed");

        JsonArray periods = null!;
        await Eventually.Async(async () => (periods = (await Get(ngo, "verification")).AsArray()).Count == 2, "the change reaches Reporting");
        Assert.Equal((true, 400_00L), (periods[0]!["verified"]!.GetValue<bool>(), periods[0]!.Long("perPostMinor")));
        Assert.Equal((false, 100_00L), (periods[1]!["verified"]!.GetValue<bool>(), periods[1]!.Long("perPostMinor")));
    }
}
