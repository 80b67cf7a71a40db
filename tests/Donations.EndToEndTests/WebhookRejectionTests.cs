using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>Every bad webhook gets a problem+json answer a person can act on, and changes nothing.</summary>
[Collection(SystemCollection.Name)]
public class WebhookRejectionTests(DonationsSystem system)
{
    [Fact]
    public async Task A_wrong_signature_is_refused_with_401_and_stores_nothing()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var body = Scenario.DonationBody("tx-forged", 9_999_00);
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var response = await ngo.PostGenericAsync(body, $"t={t},v1={Scenario.Sign("not-the-secret-at-all", t, body)}");

        await AssertProblem(response, HttpStatusCode.Unauthorized);
        await AssertNothingStored(ngo, "tx-forged");
    }

    public static TheoryData<string, string, HttpStatusCode> BadDeliveries => new()
    {
        { "stale timestamp", Scenario.DonationBody("tx-bad", 100), HttpStatusCode.Unauthorized },
        { "missing signature", Scenario.DonationBody("tx-bad", 100), HttpStatusCode.Unauthorized },
        { "malformed JSON", "{\"type\":\"donation.succeeded\",", HttpStatusCode.BadRequest },
        { "negative amount", Scenario.DonationBody("tx-bad", -100), HttpStatusCode.UnprocessableEntity },
        { "zero amount", Scenario.DonationBody("tx-bad", 0), HttpStatusCode.UnprocessableEntity },
        { "absurd amount", Scenario.DonationBody("tx-bad", 1_000_000_000_000_00), HttpStatusCode.UnprocessableEntity },
        { "unknown currency", Scenario.DonationBody("tx-bad", 100, currency: "XYZ"), HttpStatusCode.UnprocessableEntity },
        { "unknown type", Scenario.DonationBody("tx-bad", 100).Replace("donation.succeeded", "donation.exploded"), HttpStatusCode.UnprocessableEntity },
        { "missing id", Scenario.DonationBody("", 100), HttpStatusCode.UnprocessableEntity },
        { "oversized body", Scenario.DonationBody("tx-bad", 100, email: new string('x', 70_000)), HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(BadDeliveries))]
    public async Task A_bad_delivery_gets_a_clear_problem_and_stores_nothing(string what, string body, HttpStatusCode expected)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var response = what switch
        {
            "stale timestamp" => await ngo.PostGenericAsync(body, timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds()),
            "missing signature" => await ngo.Ingestion.PostAsync($"/webhooks/generic/{ngo.NgoId}", new StringContent(body, Encoding.UTF8, "application/json")),
            _ => await ngo.PostGenericAsync(body),
        };

        await AssertProblem(response, expected);
        await AssertNothingStored(ngo, "tx-bad");
    }

    [Fact]
    public async Task A_webhook_for_an_unknown_ngo_is_404()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await AssertProblem(await ngo.PostGenericAsync(Scenario.DonationBody("tx-1", 100), ngo: "no-such-ngo"), HttpStatusCode.NotFound);
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), "a problem says what to fix");
    }

    /// <summary>A good donation sent after the bad one has passed through every service; the bad one never shows.</summary>
    private static async Task AssertNothingStored(Scenario ngo, string badTxId)
    {
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody("tx-sentinel", 1_00))).StatusCode);
        await ngo.DonationAsync("tx-sentinel");
        Assert.Empty(await ngo.DonationsWithTxAsync(badTxId));
        Assert.Equal(1, (await ngo.RubSummaryAsync())!["donations"]!.GetValue<int>());
    }
}
