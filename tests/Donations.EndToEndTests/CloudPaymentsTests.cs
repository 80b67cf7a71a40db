using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>CloudPayments notifications, on the provider-written fixtures and the gem's verified signature vector.</summary>
[Collection(SystemCollection.Name)]
public class CloudPaymentsTests(DonationsSystem system)
{
    private const string VectorSecret = "pass";
    private const string VectorSignature = "tJW02TMAce4Em8eJTNqjhOax+BYRM5K2D8mX9xsmUUc=";
    private const string VectorNegative = "6sUXv4W0wmhfpkkDtp+3Hw/M8deAPkMRVV3OWANcqro=";
    private const string Form = "application/x-www-form-urlencoded";

    private static string Sign(byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(VectorSecret), body));

    private static async Task<Scenario> NgoAsync(DonationsSystem system)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ConfigureAsync("cloudpayments", new { apiSecret = VectorSecret });
        return ngo;
    }

    private static Task<HttpResponseMessage> Post(Scenario ngo, byte[] body, string? signature = null, string path = "", string contentType = Form) =>
        ngo.PostRawAsync($"/webhooks/cloudpayments/{ngo.NgoId}{path}", body, contentType, ("Content-HMAC", signature ?? Sign(body)));

    private static async Task AssertCodeZero(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_gems_signed_pay_body_verifies_is_stored_once_and_its_negative_vector_is_refused()
    {
        var ngo = await NgoAsync(system);
        var body = Fixtures.Bytes("cloudpayments/pay.form-urlencoded.cloud_payments-gem-hmac-vector.txt");
        Assert.Equal(917, body.Length);

        await AssertCodeZero(await Post(ngo, body, VectorSignature));
        await AssertCodeZero(await Post(ngo, body, VectorSignature));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ => await AssertCodeZero(await Post(ngo, body, VectorSignature))));

        var donation = await ngo.DonationWhenAsync("666", _ => true, provider: "cloudpayments");
        Assert.Equal((123_00L, "RUB"), (donation.Long("amountMinor"), donation.Str("currency")));
        Assert.Equal(new DateTimeOffset(2015, 11, 17, 14, 51, 20, TimeSpan.Zero), donation["occurredAt"]!.GetValue<DateTimeOffset>());

        var forged = await Post(ngo, body, VectorNegative);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        await ngo.AssertNoDonationAsync("cloudpayments", "never-sent");
        Assert.Equal(2, (await ngo.RubSummaryAsync())!.Long("donations")); // payment 666, once, and the sentinel
    }

    [Fact]
    public async Task Every_decoded_fixture_parses_and_only_pay_is_money()
    {
        var ngo = await NgoAsync(system);
        var pay = Fixtures.FormFromRubyHash("cloudpayments/pay.decoded-params.cloud_payments-gem.rb.txt");
        var check = Fixtures.FormFromRubyHash("cloudpayments/check.decoded-params.cloud_payments-gem.rb.txt");
        var fail = Fixtures.FormFromRubyHash("cloudpayments/fail.decoded-params.cloud_payments-gem.rb.txt");
        var recurrent = Fixtures.FormFromRubyHash("cloudpayments/recurrent.decoded-params.cloud_payments-gem.rb.txt");

        await AssertCodeZero(await Post(ngo, check, path: "/check"));
        await AssertCodeZero(await Post(ngo, fail));
        await AssertCodeZero(await Post(ngo, fail));
        await AssertCodeZero(await Post(ngo, recurrent));
        await AssertCodeZero(await Post(ngo, pay));

        var donation = await ngo.DonationWhenAsync("1701609", _ => true, provider: "cloudpayments");
        Assert.Equal((123_00L, "sc_b865df3d4f27c54dc8067520c071a"), (donation.Long("amountMinor"), donation.Str("subscriptionId")));
        await ngo.AssertNoDonationAsync("cloudpayments", "1701658");
        Assert.Equal(2, (await ngo.RubSummaryAsync())!.Long("donations")); // the pay and the sentinel
    }

    [Fact]
    public async Task A_refund_joins_its_payment_by_PaymentTransactionId_and_one_that_comes_first_is_retried()
    {
        var ngo = await NgoAsync(system);
        var refund = Encoding.UTF8.GetBytes("TransactionId=9001&PaymentTransactionId=9000&Amount=40.00&DateTime=2026-11-20+10%3a00%3a00&OperationType=Refund");
        var early = await Post(ngo, refund);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);

        var pay = Encoding.UTF8.GetBytes("TransactionId=9000&Amount=100.00&Currency=RUB&DateTime=2026-11-20+09%3a00%3a00&Status=Completed&OperationType=Payment");
        await AssertCodeZero(await Post(ngo, pay));
        await AssertCodeZero(await Post(ngo, refund));
        await AssertCodeZero(await Post(ngo, refund));

        var donation = await ngo.DonationWhenAsync("9000", d => d.Long("refundedMinor") > 0, provider: "cloudpayments");
        Assert.Equal(40_00, donation.Long("refundedMinor"));
        var tooMuch = Encoding.UTF8.GetBytes("TransactionId=9002&PaymentTransactionId=9000&Amount=60.01&OperationType=Refund");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Post(ngo, tooMuch)).StatusCode);
    }

    [Fact]
    public async Task A_json_notification_carries_the_click_id_in_Data()
    {
        var ngo = await NgoAsync(system);
        var clickId = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-7001_1", "spring")));
        var data = new JsonObject { ["click_id"] = clickId, ["cloudPayments"] = new JsonObject { ["recurrent"] = new JsonObject { ["interval"] = "Month" } } };
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["TransactionId"] = 9100, ["Amount"] = 250.5, ["Currency"] = "RUB", ["DateTime"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss"), ["Status"] = "Completed",
            ["TotalFee"] = 7.52, ["Data"] = data.ToJsonString(),
        }.ToJsonString());

        await AssertCodeZero(await Post(ngo, body, contentType: "application/json"));

        var donation = await ngo.DonationWhenAsync("9100", d => d.Attribution().Str("status") == "attributed", provider: "cloudpayments");
        Assert.Equal(250_50, donation.Long("amountMinor"));
        Assert.Equal(clickId, Assert.Single(donation.Credits())!.Str("clickId"));
    }

    [Theory]
    [InlineData("TransactionId=1&Amount=-5.00&Currency=RUB&Status=Completed", HttpStatusCode.UnprocessableEntity)]
    [InlineData("TransactionId=1&Amount=5.00&Currency=XYZ&Status=Completed", HttpStatusCode.UnprocessableEntity)]
    [InlineData("TransactionId=1&Amount=5.001&Currency=RUB&Status=Completed", HttpStatusCode.UnprocessableEntity)]
    [InlineData("TransactionId=1&Amount=99999999999.00&Currency=RUB&Status=Completed", HttpStatusCode.UnprocessableEntity)]
    [InlineData("not a notification", HttpStatusCode.BadRequest)]
    public async Task Bad_notifications_get_a_problem_and_store_nothing(string body, HttpStatusCode expected)
    {
        var ngo = await NgoAsync(system);
        var response = await Post(ngo, Encoding.UTF8.GetBytes(body));
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await ngo.AssertNoDonationAsync("cloudpayments", "1");
    }

    [Fact]
    public async Task An_oversized_body_is_refused_unread()
    {
        var ngo = await NgoAsync(system);
        var body = Encoding.UTF8.GetBytes("TransactionId=1&Amount=5.00&Currency=RUB&Description=" + new string('x', 70_000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Post(ngo, body)).StatusCode);
    }
}

/// <summary>Two-stage payments (Pay Authorized, then Confirm or Cancel), Check's refusal codes and both signature headers.</summary>
[Collection(SystemCollection.Name)]
public class CloudPaymentsTwoStageTests(DonationsSystem system)
{
    private const string Secret = "two-stage-api-secret";
    private const string Form = "application/x-www-form-urlencoded";

    private static string ContentHmac(byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));

    private static async Task<Scenario> NgoAsync(DonationsSystem system)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ConfigureAsync("cloudpayments", new { apiSecret = Secret });
        return ngo;
    }

    private static Task<HttpResponseMessage> Post(Scenario ngo, string path, string body) =>
        ngo.PostRawAsync($"/webhooks/cloudpayments/{ngo.NgoId}{path}", Encoding.UTF8.GetBytes(body), Form, ("Content-HMAC", ContentHmac(Encoding.UTF8.GetBytes(body))));

    private static async Task<int> CodeOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<int>();
    }

    private static string Data(string? clickId = null, string? fundraiserId = null) =>
        Uri.EscapeDataString(new JsonObject { ["click_id"] = clickId, ["fundraiser_id"] = fundraiserId }.ToJsonString());

    [Fact]
    public async Task An_authorized_payment_is_not_money_until_confirmed_and_then_counts_the_confirmed_amount_with_the_authorizations_click()
    {
        var ngo = await NgoAsync(system);
        var clickId = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-7101_1", "dms")));
        var authorizedAt = DateTimeOffset.UtcNow.AddSeconds(-5);
        var authorized = $"TransactionId=7101&Amount=500.00&Currency=RUB&DateTime={Uri.EscapeDataString(authorizedAt.ToString("yyyy-MM-dd HH:mm:ss"))}&Status=Authorized&AccountId=donor-7101&Data={Data(clickId)}";
        Assert.Equal(0, await CodeOf(await Post(ngo, "/pay", authorized)));
        Assert.Equal(0, await CodeOf(await Post(ngo, "/pay", authorized)));
        await ngo.AssertNoDonationAsync("cloudpayments", "7101");

        // The confirmation names neither the merchant data nor the currency; the authorization did.
        var confirm = $"TransactionId=7101&Amount=450.00&DateTime={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss"))}&Status=Completed";
        Assert.Equal(0, await CodeOf(await Post(ngo, "/confirm", confirm)));
        Assert.Equal(0, await CodeOf(await Post(ngo, "/confirm", confirm)));

        var donation = await ngo.DonationWhenAsync("7101", d => d.Attribution().Str("status") == "attributed", provider: "cloudpayments");
        Assert.Equal((450_00L, "RUB"), (donation.Long("amountMinor"), donation.Str("currency")));
        Assert.Equal(clickId, Assert.Single(donation.Credits())!.Str("clickId"));
        Assert.Equal(authorizedAt.ToUnixTimeSeconds(), donation["occurredAt"]!.GetValue<DateTimeOffset>().ToUnixTimeSeconds());
        Assert.Equal(450_00 + 1, (await ngo.RubSummaryAsync())!.Long("grossMinor")); // the confirmed amount and the sentinel's kopeck
    }

    [Fact]
    public async Task A_confirmation_above_what_was_authorized_is_refused()
    {
        var ngo = await NgoAsync(system);
        Assert.Equal(0, await CodeOf(await Post(ngo, "/pay", "TransactionId=7102&Amount=100.00&Currency=RUB&Status=Authorized")));
        var response = await Post(ngo, "/confirm", "TransactionId=7102&Amount=100.01&Currency=RUB");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await ngo.AssertNoDonationAsync("cloudpayments", "7102");
    }

    [Fact]
    public async Task A_cancelled_authorization_never_becomes_money_and_a_cancelled_completed_payment_is_given_back_in_full()
    {
        var ngo = await NgoAsync(system);
        Assert.Equal(0, await CodeOf(await Post(ngo, "/pay", "TransactionId=7103&Amount=300.00&Currency=RUB&Status=Authorized")));
        Assert.Equal(0, await CodeOf(await Post(ngo, "/cancel", "TransactionId=7103&Amount=300.00&DateTime=2026-11-20+11%3a00%3a00")));
        await ngo.AssertNoDonationAsync("cloudpayments", "7103");

        Assert.Equal(0, await CodeOf(await Post(ngo, "/pay", "TransactionId=7104&Amount=200.00&Currency=RUB&Status=Completed")));
        Assert.Equal(0, await CodeOf(await Post(ngo, "/refund", "TransactionId=7105&PaymentTransactionId=7104&Amount=50.00&OperationType=Refund")));
        Assert.Equal(0, await CodeOf(await Post(ngo, "/cancel", "TransactionId=7104&Amount=200.00")));
        Assert.Equal(0, await CodeOf(await Post(ngo, "/cancel", "TransactionId=7104&Amount=200.00")));
        var donation = await ngo.DonationWhenAsync("7104", d => d.Long("refundedMinor") == 200_00, provider: "cloudpayments");
        Assert.Equal(200_00, donation.Long("amountMinor"));
    }

    [Fact]
    public async Task Check_answers_the_documented_refusal_codes()
    {
        var ngo = await NgoAsync(system);
        var late = await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers", new
        {
            id = "winter-coats", title = "Зимние куртки", goal = new { amountMinor = 50_000_00, currency = "RUB" },
            deadline = DateTimeOffset.UtcNow.AddDays(-1), refusesLateGifts = true,
        });
        Assert.Equal(HttpStatusCode.Created, late.StatusCode);
        var open = await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers", new
        {
            id = "spring-meds", title = "Лекарства", goal = new { amountMinor = 50_000_00, currency = "RUB" }, deadline = DateTimeOffset.UtcNow.AddDays(-1),
        });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);

        Assert.Equal(0, await CodeOf(await Post(ngo, "/check", "TransactionId=1&Amount=10.00&Currency=RUB")));
        Assert.Equal(0, await CodeOf(await Post(ngo, "/check", $"TransactionId=1&Amount=10.00&Currency=RUB&Data={Data(fundraiserId: "spring-meds")}")));
        Assert.Equal(20, await CodeOf(await Post(ngo, "/check", $"TransactionId=1&Amount=10.00&Currency=RUB&Data={Data(fundraiserId: "winter-coats")}")));
        Assert.Equal(10, await CodeOf(await Post(ngo, "/check", $"TransactionId=1&Amount=10.00&Currency=RUB&Data={Data(fundraiserId: "no-such-fundraiser")}")));
        Assert.Equal(11, await CodeOf(await Post(ngo, "/check", $"TransactionId=1&Amount=10.00&Currency=RUB&AccountId={new string('a', 129)}")));
        Assert.Equal(12, await CodeOf(await Post(ngo, "/check", "TransactionId=1&Amount=10.001&Currency=RUB")));
        Assert.Equal(13, await CodeOf(await Post(ngo, "/check", $"TransactionId=1&Amount=10.00&Currency=USD&Data={Data(fundraiserId: "spring-meds")}")));
        Assert.Equal(13, await CodeOf(await Post(ngo, "/check", "Amount=10.00&Currency=RUB")));
    }

    [Fact]
    public async Task X_Content_HMAC_alone_verifies_over_the_url_decoded_body_and_a_raw_body_mac_in_it_does_not()
    {
        var ngo = await NgoAsync(system);
        var raw = "TransactionId=7106&Amount=75.00&Currency=RUB&Status=Completed&Name=IVAN+PETROV&IpCity=%d0%9c%d0%be%d1%81%d0%ba%d0%b2%d0%b0&DateTime=2026-11-20+12%3a00%3a00";
        var decoded = "TransactionId=7106&Amount=75.00&Currency=RUB&Status=Completed&Name=IVAN PETROV&IpCity=Москва&DateTime=2026-11-20 12:00:00";
        var bytes = Encoding.UTF8.GetBytes(raw);
        var path = $"/webhooks/cloudpayments/{ngo.NgoId}/pay";

        var wrong = await ngo.PostRawAsync(path, bytes, Form, ("X-Content-HMAC", ContentHmac(bytes)));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var right = await ngo.PostRawAsync(path, bytes, Form, ("X-Content-HMAC", ContentHmac(Encoding.UTF8.GetBytes(decoded))));
        Assert.Equal(0, await CodeOf(right));
        Assert.Equal(75_00, (await ngo.DonationWhenAsync("7106", _ => true, provider: "cloudpayments")).Long("amountMinor"));
    }
}
