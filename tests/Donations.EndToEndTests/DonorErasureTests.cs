using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>Donors' personal data: sealed per donor, never stored in clear anywhere, and erased on request while the money stays.</summary>
[Collection(SystemCollection.Name)]
public class DonorErasureTests(DonationsSystem system)
{
    private static string Gift(string tx, long amountMinor, string donorId, string email) => JsonSerializer.Serialize(new
    {
        type = "donation.succeeded", id = tx, amountMinor, currency = "RUB", occurredAt = DateTimeOffset.UtcNow, donor = new { id = donorId, email },
    });

    [Fact]
    public async Task An_erased_donor_leaves_no_trace_while_every_total_stays_as_it_was()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var tag = Guid.NewGuid().ToString("N")[..10];
        var (donorId, email, cpEmail, cpName) = ($"crm-{tag}", $"anna.{tag}@example.org", $"boris.{tag}@example.org", $"BORIS {tag.ToUpperInvariant()}");
        await ngo.ConfigureAsync("cloudpayments", new { apiSecret = "cp-secret-erasure" });

        await ngo.PostGenericAsync(Gift("tx-anna-1", 300_00, donorId, email));
        await ngo.PostGenericAsync(Gift("tx-anna-2", 200_00, donorId, email));
        await ngo.PostGenericAsync(Scenario.RefundBody("rf-anna", "tx-anna-2", 50_00));
        var form = Encoding.UTF8.GetBytes($"TransactionId=880{tag.Length}&Amount=150.00&Currency=RUB&Status=Completed&AccountId=acc-{tag}&Email={Uri.EscapeDataString(cpEmail)}&Name={Uri.EscapeDataString(cpName)}");
        var signed = await ngo.PostRawAsync($"/webhooks/cloudpayments/{ngo.NgoId}", form, "application/x-www-form-urlencoded",
            ("Content-HMAC", Convert.ToBase64String(HMACSHA256.HashData("cp-secret-erasure"u8.ToArray(), form))));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);

        var first = await ngo.DonationAsync("tx-anna-1");
        var second = await ngo.DonationWhenAsync("tx-anna-2", d => d.Long("refundedMinor") == 50_00);
        var pseudonym = first["donor"]!.Str("id");
        Assert.StartsWith("dnr_", pseudonym);
        Assert.Equal(pseudonym, second["donor"]!.Str("id"));
        var before = (await ngo.RubSummaryAsync())!.ToJsonString();

        // The manager can read who the donor is; nothing else holds it in clear.
        var donor = (await ngo.Ingestion.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/donors/{Uri.EscapeDataString(email)}"))!;
        Assert.Equal((pseudonym, email), (donor.Str("donorId"), donor.Str("email")));
        using var viewer = system.Client(system.Ingestion, ngo.ViewerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/api/ngos/{ngo.NgoId}/donors/{pseudonym}")).StatusCode);
        await AssertNowhereAsync(donorId, email, cpEmail, cpName, $"acc-{tag}");

        var erased = await ngo.Ingestion.DeleteAsync($"/api/ngos/{ngo.NgoId}/donors/{pseudonym}");
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        await ngo.DonationWhenAsync("tx-anna-1", d => d["donor"]!["erased"]!.GetValue<bool>(), " with its donor erased");

        Assert.Equal(before, (await ngo.RubSummaryAsync())!.ToJsonString());
        var after = await ngo.DonationAsync("tx-anna-2");
        Assert.Equal((second.Long("amountMinor"), second.Long("refundedMinor"), second.Credits().ToJsonString()),
            (after.Long("amountMinor"), after.Long("refundedMinor"), after.Credits().ToJsonString()));
        Assert.Equal(HttpStatusCode.NotFound, (await ngo.Ingestion.GetAsync($"/api/ngos/{ngo.NgoId}/donors/{pseudonym}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ngo.Ingestion.GetAsync($"/api/ngos/{ngo.NgoId}/donors/{Uri.EscapeDataString(email)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ngo.Ingestion.DeleteAsync($"/api/ngos/{ngo.NgoId}/donors/{pseudonym}")).StatusCode);
        await AssertNowhereAsync(donorId, email);

        // The same person giving again is a new donor, not tied to the erased one.
        await ngo.PostGenericAsync(Gift("tx-anna-3", 100_00, donorId, email));
        Assert.NotEqual(pseudonym, (await ngo.DonationAsync("tx-anna-3"))["donor"]!.Str("id"));
    }

    private async Task AssertNowhereAsync(params string[] texts)
    {
        foreach (var service in new[] { "ingestion", "attribution", "reporting" })
        foreach (var text in texts)
            Assert.True((await system.RowsContainingAsync(service, text)).Count == 0, $"'{text}' is stored in clear in {service}");
    }
}
