using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>
/// Bad input from any provider or person: a 4xx problem that names the field and the rule, nothing stored; and the small
/// things a finance team trips over (a new NGO's first call, conflicting duplicates, ids, ratios, conversion).
/// </summary>
[Collection(SystemCollection.Name)]
public class InputProblemTests(DonationsSystem system)
{
    private const string CloudPaymentsSecret = "cp-api-secret";
    private const string VkSecret = "vk-secret";
    private const long VkGroup = 777;

    private static async Task<Scenario> NgoWithEveryProviderAsync(DonationsSystem system)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ConfigureAsync("cloudpayments", new { apiSecret = CloudPaymentsSecret });
        await ngo.ConfigureAsync("vk", new { groupId = VkGroup, secret = VkSecret, confirmation = "conf" });
        await ngo.ConfigureAsync("yookassa", new { allowedNetworks = new[] { "127.0.0.1/32", "::1/128" } });
        return ngo;
    }

    private static Task<HttpResponseMessage> CloudPaymentsAsync(Scenario ngo, string form) =>
        ngo.PostRawAsync($"/webhooks/cloudpayments/{ngo.NgoId}", Encoding.UTF8.GetBytes(form), "application/x-www-form-urlencoded",
            ("Content-HMAC", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(CloudPaymentsSecret), Encoding.UTF8.GetBytes(form)))));

    private static Task<HttpResponseMessage> VkAsync(Scenario ngo, string eventId, JsonObject @object) =>
        ngo.PostRawAsync($"/webhooks/vk/{ngo.NgoId}", Encoding.UTF8.GetBytes(new JsonObject
        {
            ["type"] = "vkpay_transaction", ["event_id"] = eventId, ["v"] = "5.199", ["secret"] = VkSecret, ["group_id"] = VkGroup, ["object"] = @object,
        }.ToJsonString()), "application/json");

    private static Task<HttpResponseMessage> YooKassaAsync(Scenario ngo, string id, string createdAt) =>
        ngo.PostRawAsync($"/webhooks/yookassa/{ngo.NgoId}", Encoding.UTF8.GetBytes(new JsonObject
        {
            ["type"] = "notification", ["event"] = "payment.succeeded",
            ["object"] = new JsonObject { ["id"] = id, ["status"] = "succeeded", ["amount"] = new JsonObject { ["value"] = "10.00", ["currency"] = "RUB" }, ["created_at"] = createdAt },
        }.ToJsonString()), "application/json");

    private static string Generic(string occurredAt) =>
        $$"""{"type":"donation.succeeded","id":"tx-bad-time","amountMinor":100,"currency":"RUB","occurredAt":{{occurredAt}}}""";

    /// <summary>The answer is a problem of this status whose detail names <paramref name="field"/> and contains <paramref name="rule"/>.</summary>
    private static async Task AssertNamesAsync(HttpResponseMessage response, HttpStatusCode status, string field, string rule)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>();
        Assert.Contains($"'{field}'", detail);
        Assert.Contains(rule, detail);
        Assert.DoesNotContain("System.", detail);
    }

    [Fact]
    public async Task A_time_that_cannot_be_read_is_refused_with_400_naming_it_by_every_provider_and_nothing_is_stored()
    {
        var ngo = await NgoWithEveryProviderAsync(system);
        await AssertNamesAsync(await VkAsync(ngo, "ev-bad-date", new JsonObject { ["from_id"] = 5, ["amount"] = 100_000, ["date"] = "yesterday" }),
            HttpStatusCode.BadRequest, "object.date", "Unix time");
        await AssertNamesAsync(await CloudPaymentsAsync(ngo, "TransactionId=77&Amount=10.00&Currency=RUB&DateTime=tomorrow&Status=Completed"),
            HttpStatusCode.BadRequest, "DateTime", "yyyy-MM-dd HH:mm:ss");
        await AssertNamesAsync(await YooKassaAsync(ngo, "yk-bad-time", "not a time"), HttpStatusCode.BadRequest, "object.created_at", "ISO 8601");
        await AssertNamesAsync(await ngo.PostGenericAsync(Generic("\"garbage\"")), HttpStatusCode.BadRequest, "occurredAt", "ISO 8601");
        await AssertNamesAsync(await ngo.PostGenericAsync(Generic("12")), HttpStatusCode.BadRequest, "occurredAt", "ISO 8601");

        // A VK Pay transfer with a readable time keeps it; the bad ones above left nothing behind.
        var paidAt = DateTimeOffset.UtcNow.AddHours(-2);
        Assert.Equal(HttpStatusCode.OK, (await VkAsync(ngo, "ev-good-date", new JsonObject { ["from_id"] = 5, ["amount"] = 100_000, ["date"] = paidAt.ToUnixTimeSeconds() })).StatusCode);
        var good = await ngo.DonationWhenAsync("ev-good-date", _ => true, provider: "vk");
        Assert.Equal(paidAt.ToUnixTimeSeconds(), DateTimeOffset.Parse(good.Str("occurredAt")).ToUnixTimeSeconds());
        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal((1L, 100_00L), (rub.Long("donations"), rub.Long("grossMinor")));
    }

    [Fact]
    public async Task An_id_over_its_limit_is_refused_saying_the_limit()
    {
        var ngo = await NgoWithEveryProviderAsync(system);
        var huge = new string('7', 10_000);
        await AssertNamesAsync(await CloudPaymentsAsync(ngo, $"TransactionId={huge}&Amount=10.00&Currency=RUB&Status=Completed"),
            HttpStatusCode.UnprocessableEntity, "TransactionId", "at most 64 characters");
        await AssertNamesAsync(await CloudPaymentsAsync(ngo, $"TransactionId={new string('7', 65)}&Amount=10.00&Currency=RUB&Status=Completed"),
            HttpStatusCode.UnprocessableEntity, "TransactionId", "at most 64 characters");
        await AssertNamesAsync(await VkAsync(ngo, new string('e', 101), new JsonObject { ["from_id"] = 5, ["amount"] = 100_000 }),
            HttpStatusCode.BadRequest, "event_id", "at most 100 characters");
        await AssertNamesAsync(await YooKassaAsync(ngo, new string('y', 65), "2026-11-20T10:00:00.000Z"), HttpStatusCode.BadRequest, "object.id", "at most 64 characters");
        await AssertNamesAsync(await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns", new { id = "m", name = "M", startsAt = DateTimeOffset.UtcNow }),
            HttpStatusCode.BadRequest, "id", "2–64 characters");
        Assert.Empty((await ngo.Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/reports/summary"))!["currencies"]!.AsArray());
    }

    [Theory]
    [InlineData("reports/summary?from=garbage", "from", "yyyy-MM-dd")]
    [InlineData("reports/posts?to=2026-13-45", "to", "yyyy-MM-dd")]
    [InlineData("reports/daily?asOf=garbage", "asOf", "ISO 8601")]
    [InlineData("donations?asOf=yesterday", "asOf", "ISO 8601")]
    [InlineData("reports/summary?format=pdf", "format", "csv")]
    public async Task A_report_parameter_of_the_wrong_form_is_named_with_its_form(string path, string parameter, string form)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await AssertNamesAsync(await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/{path}"), HttpStatusCode.BadRequest, parameter, form);
    }

    [Fact]
    public async Task A_new_ngos_keys_work_everywhere_on_the_first_call()
    {
        using var admin = system.Client(system.Ingestion, DonationsSystem.AdminKey);
        var id = $"ngo-{Guid.NewGuid():N}"[..20];
        var keys = (await (await admin.PostAsJsonAsync("/api/ngos", new { id, name = "Сразу", verified = false })).Content.ReadFromJsonAsync<JsonObject>())!;
        using var reporting = system.Client(system.Reporting, keys["viewerKey"]!.GetValue<string>());
        using var attribution = system.Client(system.Attribution, keys["managerKey"]!.GetValue<string>());
        var answers = await Task.WhenAll(reporting.GetAsync($"/api/ngos/{id}/reports/summary"), attribution.GetAsync($"/api/ngos/{id}/attribution-settings"));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        // A key that is not one of a known NGO's is still refused.
        using var wrong = system.Client(system.Reporting, "vie_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync($"/api/ngos/{id}/reports/summary")).StatusCode);
    }

    [Fact]
    public async Task A_repeat_that_disagrees_with_the_first_delivery_is_answered_as_a_duplicate_counted_and_changes_nothing()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        using var anonymous = system.Client(system.Ingestion);
        static long Conflicts(string metrics) => metrics.Split('\n')
            .Where(l => l.StartsWith("donations_webhooks_conflicting_duplicates_total{", StringComparison.Ordinal) && l.Contains("provider=\"generic\""))
            .Sum(l => long.Parse(l.Split(' ')[^1]));
        var before = Conflicts(await anonymous.GetStringAsync("/metrics"));

        Assert.Equal("accepted", (await (await ngo.PostGenericAsync(Scenario.DonationBody("tx-conflict", 100_00))).Content.ReadFromJsonAsync<JsonObject>())!.Str("status"));
        Assert.Equal("duplicate", (await (await ngo.PostGenericAsync(Scenario.DonationBody("tx-conflict", 100_00))).Content.ReadFromJsonAsync<JsonObject>())!.Str("status"));
        var conflicting = await ngo.PostGenericAsync(Scenario.DonationBody("tx-conflict", 250_00));
        Assert.Equal(HttpStatusCode.OK, conflicting.StatusCode);
        Assert.Equal("duplicate", (await conflicting.Content.ReadFromJsonAsync<JsonObject>())!.Str("status"));

        // The exporter caches a scrape for a moment.
        await Eventually.Async(async () => Conflicts(await anonymous.GetStringAsync("/metrics")) == before + 1, "the conflicting duplicate is counted");
        await ngo.DonationAsync("tx-conflict");
        Assert.Equal(100_00, (await ngo.RubSummaryAsync())!.Long("grossMinor"));
    }

    [Fact]
    public async Task A_refund_before_its_payment_is_answered_503_with_Retry_After()
    {
        var ngo = await NgoWithEveryProviderAsync(system);
        var early = await CloudPaymentsAsync(ngo, "TransactionId=501&PaymentTransactionId=500&Amount=10.00&OperationType=Refund");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.True(early.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a provider is told when to deliver again");
    }

    [Fact]
    public async Task Rouble_ratios_are_only_on_rouble_lines_and_conversion_counts_people_not_clicks()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var post = await ngo.RegisterPostAsync("wall-7001_1", "autumn");
        var (click, _) = await ngo.FirstVisitAsync(await ngo.CreateLinkAsync(post));
        foreach (var (currency, amount) in new[] { ("RUB", 1000_00L), ("USD", 50_00L) })
        {
            var spent = await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/spend",
                new { campaignId = "autumn", postId = post, amountMinor = amount / 2, currency, source = "own", at = DateTimeOffset.UtcNow.AddHours(-1) });
            Assert.Equal(HttpStatusCode.Created, spent.StatusCode);
        }
        // One person, one click, three gifts in two currencies.
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-conv-1", 600_00, click, donorId: "donor-7"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-conv-2", 400_00, click, donorId: "donor-7"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-conv-3", 50_00, click, currency: "USD", donorId: "donor-7"));
        foreach (var tx in new[] { "tx-conv-1", "tx-conv-2", "tx-conv-3" }) await ngo.DonationAsync(tx, "attributed");

        JsonNode line = null!;
        await Eventually.Async(async () =>
        {
            line = (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/posts"))!.Single(p => p!.Str("postId") == post)!;
            return line["money"]!.AsArray().Count(m => m!.Long("spendOwnMinor") > 0) == 2;
        }, "both spends reach the posts report");
        Assert.Equal((1L, 1L, 1L, 3L), (line.Long("clicks"), line.Long("people"), line.Long("donors"), line.Long("donations")));
        Assert.Equal(1.0, line["conversion"]!.GetValue<double>());
        var rub = line["money"]!.AsArray().Single(m => m!.Str("currency") == "RUB")!;
        var usd = line["money"]!.AsArray().Single(m => m!.Str("currency") == "USD")!;
        Assert.Equal(1000_00 / 500_00.0, rub["raisedPerRubleSpent"]!.GetValue<double>());
        Assert.Equal((50_00L, 25_00L), (usd.Long("attributedMinor"), usd.Long("spendOwnMinor")));
        Assert.Null(usd["raisedPerRubleSpent"]);
    }
}
