using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StandardWebhooks;

namespace Donations.EndToEndTests;

/// <summary>The generic endpoint speaking Standard Webhooks 1.0, signed by an independent implementation (the StandardWebhooks package).</summary>
[Collection(SystemCollection.Name)]
public class StandardWebhooksInTests(DonationsSystem system)
{
    private static async Task<(Scenario Ngo, string Secret)> NgoAsync(DonationsSystem system)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var secret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await ngo.ConfigureAsync("generic", new { secret });
        return (ngo, secret);
    }

    private static Task<HttpResponseMessage> PostAsync(Scenario ngo, string body, string webhookId, params string[] secrets)
    {
        var now = DateTimeOffset.UtcNow;
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/generic/{ngo.NgoId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString());
        request.Headers.Add("webhook-signature", string.Join(' ', secrets.Select(s => new StandardWebhook(s).Sign(webhookId, now, body))));
        return ngo.Ingestion.SendAsync(request);
    }

    /// <summary>No donation with this transaction id, once a later one signed with <paramref name="secret"/> has passed through every service.</summary>
    private static async Task AssertNoDonationAsync(Scenario ngo, string secret, string providerTxId)
    {
        var sentinel = $"sw-sentinel-{Guid.NewGuid():N}";
        Assert.Equal("accepted", await StatusOf(await PostAsync(ngo, Scenario.DonationBody(sentinel, 1), $"msg_{sentinel}", secret)));
        await ngo.DonationAsync(sentinel);
        Assert.Empty(await ngo.DonationsWithTxAsync(providerTxId));
    }

    private static async Task<string> StatusOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_signed_generic_body_is_accepted_once_and_a_redelivery_of_the_same_webhook_id_is_a_duplicate_whatever_it_says()
    {
        var (ngo, secret) = await NgoAsync(system);
        var body = Scenario.DonationBody("sw-tx-1", 1_500_00);
        Assert.Equal("accepted", await StatusOf(await PostAsync(ngo, body, "msg_sw_1", secret)));
        Assert.Equal("duplicate", await StatusOf(await PostAsync(ngo, body, "msg_sw_1", secret)));
        Assert.Equal("duplicate", await StatusOf(await PostAsync(ngo, Scenario.DonationBody("sw-tx-other", 99_00), "msg_sw_1", secret)));

        Assert.Equal(1_500_00, (await ngo.DonationAsync("sw-tx-1")).Long("amountMinor"));
        await AssertNoDonationAsync(ngo, secret, "sw-tx-other");
    }

    [Fact]
    public async Task The_envelope_without_an_id_takes_the_webhook_id_as_the_transaction_and_its_timestamp_as_the_time()
    {
        var (ngo, secret) = await NgoAsync(system);
        var occurred = DateTimeOffset.UtcNow.AddMinutes(-3);
        var body = JsonSerializer.Serialize(new
        {
            type = "donation.succeeded", timestamp = occurred,
            data = new { amountMinor = 700_00, currency = "RUB", donor = new { id = "donor-sw" } },
        });
        Assert.Equal("accepted", await StatusOf(await PostAsync(ngo, body, "msg_envelope_1", secret)));
        Assert.Equal("duplicate", await StatusOf(await PostAsync(ngo, body, "msg_envelope_1", secret)));

        var donation = await ngo.DonationAsync("msg_envelope_1");
        Assert.Equal(700_00, donation.Long("amountMinor"));
        Assert.Equal(occurred.ToUnixTimeMilliseconds(), donation["occurredAt"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());

        var refund = JsonSerializer.Serialize(new
        {
            type = "donation.refunded", timestamp = DateTimeOffset.UtcNow, data = new { refundOf = "msg_envelope_1", amountMinor = 200_00, currency = "RUB" },
        });
        Assert.Equal("accepted", await StatusOf(await PostAsync(ngo, refund, "msg_envelope_refund", secret)));
        Assert.Equal(200_00, (await ngo.DonationWhenAsync("msg_envelope_1", d => d.Long("refundedMinor") > 0)).Long("refundedMinor"));
    }

    [Fact]
    public async Task During_secret_rotation_the_new_secret_verifies_beside_the_old_and_a_wrong_signature_changes_nothing()
    {
        var (ngo, oldSecret) = await NgoAsync(system);
        var newSecret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await ngo.ConfigureAsync("generic", new { secret = newSecret });
        Assert.Equal("accepted", await StatusOf(await PostAsync(ngo, Scenario.DonationBody("sw-rotated", 10_00), "msg_rot_1", oldSecret, newSecret)));

        var forged = await PostAsync(ngo, Scenario.DonationBody("sw-forged", 10_00), "msg_rot_2", oldSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        Assert.Contains("webhook-signature", (await forged.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        await AssertNoDonationAsync(ngo, newSecret, "sw-forged");
    }

    [Fact]
    public async Task A_whsec_secret_that_is_not_base64_of_enough_bytes_is_refused()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var response = await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/providers/generic", new { secret = "whsec_" + Convert.ToBase64String(new byte[12]) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'secret'", (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }
}
