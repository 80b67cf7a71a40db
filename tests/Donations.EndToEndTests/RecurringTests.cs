using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>Recurring donors: states, monthly recurring money, churn, cohorts, lifetime value and the posts that brought them.</summary>
[Collection(SystemCollection.Name)]
public class RecurringTests(DonationsSystem system)
{
    private const string CloudSecret = "cloud-recurring-secret";
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    private sealed record Sent(string Id, string Currency, List<(DateTimeOffset At, long Net)> Charges, DateTimeOffset? EndedAt);

    [Fact]
    public async Task Every_subscription_has_its_state_and_the_report_counts_money_churn_cohorts_and_sources_as_sent()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ConfigureAsync("cloudpayments", new { apiSecret = CloudSecret });
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-7100_1", "monthly"));
        var now = DateTimeOffset.UtcNow;
        var sent = new List<Sent>();

        // A: a generic subscription that began with a click on the post a minute ago: active. (A click is dated when it is made.)
        var click = await ngo.ClickAsync(code);
        var a = new Sent("sub-a", "RUB", [(DateTimeOffset.UtcNow.AddMinutes(-1), 500_00)], null);
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody("tx-a", 500_00, click, subscriptionId: "sub-a", occurredAt: a.Charges[0].At))).StatusCode);
        sent.Add(a);
        // F: charged monthly for four months, the last a day ago, no click: active.
        var f = new Sent("sub-f", "RUB", [], null);
        for (var k = 3; k >= 0; k--)
        {
            var at = now.AddMonths(-k).AddDays(-1);
            await ngo.PostGenericAsync(Scenario.DonationBody($"tx-f-{k}", 700_00, subscriptionId: "sub-f", occurredAt: at));
            f.Charges.Add((at, 700_00));
        }
        sent.Add(f);
        // B: charged five and four months ago, then nothing: lapsed, lost when the next charge was due.
        var b = new Sent("sub-b", "RUB", [(now.AddMonths(-5), 300_00), (now.AddMonths(-4), 300_00)], now.AddMonths(-3));
        foreach (var (at, _) in b.Charges)
            await ngo.PostGenericAsync(Scenario.DonationBody($"tx-b-{at:MMdd}", 300_00, subscriptionId: "sub-b", occurredAt: at));
        sent.Add(b);
        // C: dollars, charged twice, the second refunded in part: active, its own currency.
        var c = new Sent("sub-c", "USD", [(now.AddMonths(-1).AddDays(2), 10_00), (now.AddDays(-2), 8_00)], null);
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-c-1", 10_00, currency: "USD", subscriptionId: "sub-c", occurredAt: c.Charges[0].At));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-c-2", 10_00, currency: "USD", subscriptionId: "sub-c", occurredAt: c.Charges[1].At));
        await ngo.PostGenericAsync(Scenario.RefundBody("rf-c-2", "tx-c-2", 2_00, "USD"));
        sent.Add(c);
        // D: CloudPayments, charged 20 days ago, then its next charge failed: failing.
        var d = new Sent("sc_failing", "RUB", [(now.AddDays(-20), 1000_00)], null);
        await Cloud(ngo, new { TransactionId = 71001, Amount = 1000.00m, Currency = "RUB", Status = "Completed", DateTime = Utc(d.Charges[0].At), SubscriptionId = "sc_failing" });
        await Cloud(ngo, new { TransactionId = 71002, Amount = 1000.00m, Currency = "RUB", Status = "Declined", Reason = "InsufficientFunds", ReasonCode = 5051,
            DateTime = Utc(now.AddMinutes(-5)), SubscriptionId = "sc_failing" }, "/fail");
        sent.Add(d);
        // E: CloudPayments, charged ten days ago, then cancelled by the donor (Recurrent Cancelled): cancelled now.
        var cancelledAt = DateTimeOffset.UtcNow;
        var e = new Sent("sc_cancelled", "RUB", [(now.AddDays(-10), 250_00)], cancelledAt);
        await Cloud(ngo, new { TransactionId = 71003, Amount = 250.00m, Currency = "RUB", Status = "Completed", DateTime = Utc(e.Charges[0].At), SubscriptionId = "sc_cancelled" });
        await ngo.DonationWhenAsync("71003", _ => true, provider: "cloudpayments");
        await Cloud(ngo, new { Id = "sc_cancelled", Status = "Cancelled", Amount = 250.00m, Currency = "RUB", Interval = "Month", Period = 1 }, "/recurrent");
        sent.Add(e);

        var asOf = DateTimeOffset.UtcNow.AddSeconds(5);
        JsonNode report = null!;
        await Eventually.Async(async () =>
        {
            report = (await ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/reports/recurring?asOf={Uri.EscapeDataString(asOf.ToString("O"))}"))!;
            var subs = report["subscriptions"]!.AsArray();
            return subs.Count == 6 && subs.Sum(s => s!.Long("charges")) == 11
                   && subs.Single(s => s!.Str("subscriptionId") == "sub-c")!.Long("givenNetMinor") == 18_00
                   && subs.Single(s => s!.Str("subscriptionId") == "sc_failing")!.Str("state") == "failing"
                   && subs.Single(s => s!.Str("subscriptionId") == "sc_cancelled")!.Str("state") == "cancelled"
                   && report["posts"]!.AsArray().Count == 1 && report["posts"]![0]!.Long("givenNetMinor") == 500_00;
        }, "every charge, refund, failure and cancellation reaches the recurring report", 60);

        var states = report["subscriptions"]!.AsArray().ToDictionary(s => s!.Str("subscriptionId"), s => s!.Str("state"));
        Assert.Equal(new Dictionary<string, string> { ["sub-a"] = "active", ["sub-f"] = "active", ["sub-b"] = "lapsed", ["sub-c"] = "active", ["sc_failing"] = "failing", ["sc_cancelled"] = "cancelled" }, states);
        Assert.Equal("InsufficientFunds (5051)", report["subscriptions"]!.AsArray().Single(s => s!.Str("subscriptionId") == "sc_failing")!.Str("lastFailure"));

        var rub = report["currencies"]!.AsArray().Single(x => x!.Str("currency") == "RUB")!;
        var rubSent = sent.Where(s => s.Currency == "RUB").ToList();
        var rubLifetime = rubSent.Sum(s => s.Charges.Sum(ch => ch.Net));
        Assert.Equal((5L, 2L, 1L, 1L, 1L), (rub.Long("subscriptions"), rub.Long("active"), rub.Long("failing"), rub.Long("lapsed"), rub.Long("cancelled")));
        Assert.Equal(a.Charges[^1].Net + f.Charges[^1].Net, rub.Long("monthlyRecurringMinor"));
        Assert.Equal(d.Charges[^1].Net, rub.Long("atRiskMinor"));
        Assert.Equal(rubLifetime, rub.Long("lifetimeNetMinor"));
        Assert.Equal((long)Math.Round(rubLifetime / 5m, MidpointRounding.AwayFromZero), rub.Long("averageLifetimeValueMinor"));
        var usd = report["currencies"]!.AsArray().Single(x => x!.Str("currency") == "USD")!;
        Assert.Equal((1L, 10_00L, 18_00L, 18_00L), (usd.Long("active"), usd.Long("monthlyRecurringMinor"), usd.Long("lifetimeNetMinor"), usd.Long("averageLifetimeValueMinor")));

        // Months and cohorts, computed here from what was sent (months in Moscow time, as the report's default zone).
        string Month(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Moscow).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        DateTimeOffset Start(string month)
        {
            var local = DateTime.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            return new DateTimeOffset(local, Moscow.GetUtcOffset(local));
        }
        var months = report["months"]!.AsArray().Where(m => m!.Str("currency") == "RUB").ToDictionary(m => m!.Str("month"), m => m!);
        Assert.Equal(Month(b.Charges[0].At), months.Keys.Min());
        foreach (var (month, line) in months)
        {
            var start = Start(month);
            var atStart = rubSent.Count(s => s.Charges[0].At < start && (s.EndedAt is null || s.EndedAt >= start));
            var lost = rubSent.Count(s => s.EndedAt is { } end && Month(end) == month);
            var charges = rubSent.SelectMany(s => s.Charges).Where(ch => Month(ch.At) == month).ToList();
            Assert.Equal((atStart, rubSent.Count(s => Month(s.Charges[0].At) == month), lost, charges.Count, charges.Sum(ch => ch.Net)),
                ((int)line.Long("atStart"), (int)line.Long("new"), (int)line.Long("lost"), (int)line.Long("charges"), line.Long("netMinor")));
            Assert.Equal(atStart > 0 ? Math.Round((double)lost / atStart, 4) : null, line["churn"]?.GetValue<double>());
        }
        var cohortF = report["cohorts"]!.AsArray().Single(x => x!.Str("currency") == "RUB" && x!.Str("month") == Month(f.Charges[0].At))!;
        var cohortMembers = rubSent.Where(s => Month(s.Charges[0].At) == Month(f.Charges[0].At)).ToList();
        Assert.Equal(cohortMembers.Count, (int)cohortF.Long("size"));
        var retained = cohortF["retained"]!.AsArray().Select(n => n!.GetValue<int>()).ToList();
        for (var k = 0; k < retained.Count; k++)
        {
            var month = Month(Start(Month(f.Charges[0].At)).AddDays(15).AddMonths(k));
            Assert.Equal(cohortMembers.Count(s => s.Charges.Any(ch => Month(ch.At) == month)), retained[k]);
        }

        // The post whose click started A brought one recurring donor and every kopeck A gave since; so did its campaign.
        var post = report["posts"]![0]!;
        Assert.Equal(("wall-7100_1", 1L, 1L, a.Charges.Sum(ch => ch.Net)), (post.Str("key"), post.Long("subscriptions"), post.Long("active"), post.Long("givenNetMinor")));
        var campaign = report["campaigns"]!.AsArray().Single(x => x!.Str("key") == "monthly")!;
        Assert.Equal(a.Charges.Sum(ch => ch.Net), campaign.Long("givenNetMinor"));

        // One table filtered by state, and as a workbook.
        var lapsed = (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/recurring/subscriptions?state=lapsed"))!;
        Assert.Equal("sub-b", Assert.Single(lapsed)!.Str("subscriptionId"));
        var bad = await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/recurring/subscriptions?state=sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'state'", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_CloudPayments_schedule_decides_when_a_subscription_lapses_and_its_money_per_month()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ConfigureAsync("cloudpayments", new { apiSecret = CloudSecret });
        var now = DateTimeOffset.UtcNow;
        // Every 2 weeks, last charged 25 days ago: due after 14 days, lapsed after 14 + 7. A monthly one would still be active.
        await Cloud(ngo, new { TransactionId = 72001, Amount = 400.00m, Currency = "RUB", Status = "Completed", DateTime = Utc(now.AddDays(-25)), SubscriptionId = "sc_fortnightly" });
        await Cloud(ngo, new { Id = "sc_fortnightly", Status = "Active", Amount = 400.00m, Currency = "RUB", Interval = "Week", Period = 2 }, "/recurrent");
        // Weekly, charged 3 days ago: active, and worth a week's charge × the days in an average month ÷ 7 a month.
        await Cloud(ngo, new { TransactionId = 72002, Amount = 700.00m, Currency = "RUB", Status = "Completed", DateTime = Utc(now.AddDays(-3)), SubscriptionId = "sc_weekly" });
        await Cloud(ngo, new { Id = "sc_weekly", Status = "Active", Amount = 700.00m, Currency = "RUB", Interval = "Week", Period = 1 }, "/recurrent");
        // Every 3 months, charged 40 days ago: active, a third of its charge a month.
        await Cloud(ngo, new { TransactionId = 72003, Amount = 900.00m, Currency = "RUB", Status = "Completed", DateTime = Utc(now.AddDays(-40)), SubscriptionId = "sc_quarterly" });
        await Cloud(ngo, new { Id = "sc_quarterly", Status = "Active", Amount = 900.00m, Currency = "RUB", Interval = "Month", Period = 3 }, "/recurrent");

        JsonNode report = null!;
        await Eventually.Async(async () =>
        {
            report = (await ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/reports/recurring"))!;
            var subs = report["subscriptions"]!.AsArray();
            return subs.Count == 3 && subs.Single(x => x!.Str("subscriptionId") == "sc_fortnightly")!.Str("state") == "lapsed";
        }, "the schedules reach the recurring report", 60);
        var states = report["subscriptions"]!.AsArray().ToDictionary(x => x!.Str("subscriptionId"), x => x!.Str("state"));
        Assert.Equal(("lapsed", "active", "active"), (states["sc_fortnightly"], states["sc_weekly"], states["sc_quarterly"]));
        var lost = report["subscriptions"]!.AsArray().Single(x => x!.Str("subscriptionId") == "sc_fortnightly")!["endedAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(DateTimeOffset.Parse(Utc(now.AddDays(-25)) + "Z", CultureInfo.InvariantCulture).AddDays(14), lost);
        var weeklyPerMonth = (long)Math.Round(700_00m * 365.25m / 12 / 7, MidpointRounding.AwayFromZero);
        var rub = report["currencies"]!.AsArray().Single(x => x!.Str("currency") == "RUB")!;
        Assert.Equal(weeklyPerMonth + 900_00 / 3, rub.Long("monthlyRecurringMinor"));

        // A schedule CloudPayments does not have is refused, naming the field, and changes nothing.
        var body = JsonSerializer.SerializeToUtf8Bytes(new { Id = "sc_weekly", Status = "Cancelled", Amount = 700.00m, Currency = "RUB", Interval = "Fortnight", Period = 1 });
        var refused = await ngo.PostRawAsync($"/webhooks/cloudpayments/{ngo.NgoId}/recurrent", body, "application/json",
            ("Content-HMAC", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(CloudSecret), body))));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("'Interval'", await refused.Content.ReadAsStringAsync());
        // A notification sent after it arrives; the refused one never does.
        await Cloud(ngo, new { Id = "sc_quarterly", Status = "PastDue", Amount = 900.00m, Currency = "RUB", Interval = "Month", Period = 3 }, "/recurrent");
        await Eventually.Async(async () => (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/recurring/subscriptions"))!
            .Single(x => x!.Str("subscriptionId") == "sc_quarterly")!.Str("state") == "failing", "the later notification arrives");
        var after = (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/recurring/subscriptions"))!;
        Assert.Equal("active", after.Single(x => x!.Str("subscriptionId") == "sc_weekly")!.Str("state"));
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static async Task Cloud(Scenario ngo, object notification, string path = "")
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(notification);
        var response = await ngo.PostRawAsync($"/webhooks/cloudpayments/{ngo.NgoId}{path}", body, "application/json",
            ("Content-HMAC", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(CloudSecret), body))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<int>());
    }
}
