using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Contracts.Attribution;

namespace Donations.EndToEndTests;

/// <summary>Money accepted at ingestion against the money in the reports, per provider and currency.</summary>
[Collection(SystemCollection.Name)]
public class ReconciliationTests(DonationsSystem system)
{
    private static Task<JsonNode> ReconcileAsync(Scenario ngo) =>
        ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/reconciliation")!;

    [Fact]
    public async Task Accepted_payments_and_refunds_reconcile_with_the_reports()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-rec-1", 1500_00));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-rec-2", 700_00));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-rec-usd", 10_00, currency: "USD"));
        await ngo.DonationAsync("tx-rec-1");
        await ngo.PostGenericAsync(Scenario.RefundBody("tx-rec-1-refund", "tx-rec-1", 200_00));

        JsonNode report = null!;
        await Eventually.Async(async () => (report = await ReconcileAsync(ngo)).Str("status") == "balanced"
                                           && report["lines"]!.AsArray().Sum(l => l!.Long("acceptedRefundedMinor")) == 200_00,
            "every accepted payment and refund reaches the reports");
        var lines = report["lines"]!.AsArray();
        Assert.Equal(["RUB", "USD"], lines.Select(l => l!.Str("currency")));
        var rub = lines[0]!;
        Assert.Equal(("generic", "balanced"), (rub.Str("provider"), rub.Str("status")));
        Assert.Equal((2L, 2200_00L, 200_00L, 2000_00L), (rub.Long("acceptedDonations"), rub.Long("acceptedMinor"), rub.Long("acceptedRefundedMinor"), rub.Long("acceptedNetMinor")));
        Assert.Equal((2L, 2000_00L, 0L), (rub.Long("reportedDonations"), rub.Long("reportedNetMinor"), rub.Long("differenceMinor")));
        Assert.Equal((10_00L, 10_00L), (lines[1]!.Long("acceptedNetMinor"), lines[1]!.Long("reportedNetMinor")));
        Assert.Empty(report["differences"]!.AsArray());

        var summary = await ngo.RubSummaryAsync();
        Assert.Equal(rub.Long("reportedNetMinor"), summary!.Long("netMinor"));
    }

    [Fact]
    public async Task Money_in_the_reports_that_was_never_accepted_is_a_mismatch_that_degrades_health_and_shows_in_metrics()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-rec-real", 300_00));
        await ngo.DonationAsync("tx-rec-real");

        // A ledger revision for a payment Ingestion never accepted: money doubled or invented on the way.
        var phantom = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await system.PublishAsync(new DonationAttributed(ngo.NgoId, phantom, 1, Causes.Received, "generic", "tx-rec-phantom", 999_00, 0, "RUB",
            now, null, "unattributed", "rule-2", "no click id", "last-click", 30, 1, [], now, ReceivedAt: now.AddMinutes(-1)), Guid.NewGuid());

        JsonNode report = null!;
        await Eventually.Async(async () => (report = await ReconcileAsync(ngo)).Str("status") == "mismatched", "the phantom donation shows as a mismatch");
        var rub = report["lines"]!.AsArray().Single()!;
        Assert.Equal((1L, 300_00L, 2L, 1299_00L, -999_00L, 1L),
            (rub.Long("acceptedDonations"), rub.Long("acceptedNetMinor"), rub.Long("reportedDonations"), rub.Long("reportedNetMinor"),
                rub.Long("differenceMinor"), rub.Long("mismatchedDonations")));
        var difference = report["differences"]!.AsArray().Single()!;
        Assert.Equal((phantom.ToString(), "tx-rec-phantom", "mismatched", 999_00L), (difference.Str("donationId"), difference.Str("providerTxId"), difference.Str("state"), difference.Long("reportedMinor")));
        Assert.Null(difference["acceptedMinor"]);

        using var anonymous = system.Client(system.Reporting);
        using var admin = system.Client(system.Reporting, DonationsSystem.AdminKey);
        await Eventually.Async(async () => await MismatchedForAdminAsync(admin, ngo) == 1, "the monitor degrades health, naming the NGO to the admin");
        var (health, check) = await ReconciliationHealthAsync(admin);
        Assert.Equal(("Degraded", "Degraded"), (health.Str("status"), check.Str("status")));
        // Anyone may see that something is wrong; only the admin sees which NGOs.
        var seenByAnyone = await anonymous.GetStringAsync("/health");
        Assert.Contains("Degraded", seenByAnyone);
        Assert.DoesNotContain(ngo.NgoId, seenByAnyone);
        var metrics = await anonymous.GetStringAsync("/metrics");
        var gauge = metrics.Split('\n').Single(l => l.StartsWith("donations_reconciliation_mismatched", StringComparison.Ordinal));
        Assert.True(long.Parse(gauge.Split(' ')[1]) >= 1, gauge);
        // Readiness is about serving traffic: a data mismatch is for people to look at, not a reason to stop serving.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        // The passes between full ones (every second here) keep a mismatch nobody touched without comparing it again…
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, await MismatchedForAdminAsync(admin, ngo));
        // …and forget it once the money it lacked is accepted after all (stored as Reporting's consumer stores it).
        var accepted = new JsonObject
        {
            ["id"] = $"payment/{phantom}", ["ngoId"] = ngo.NgoId, ["donationId"] = phantom.ToString(), ["provider"] = "generic",
            ["providerTxId"] = "tx-rec-phantom", ["currency"] = "RUB", ["amountMinor"] = 999_00, ["refundedMinor"] = 0, ["acceptedAt"] = now.ToString("O"),
        };
        await system.ExecuteSqlAsync("reporting", $"insert into mt_doc_acceptedmoney (id, data, mt_dotnet_type) values ('payment/{phantom}', '{accepted.ToJsonString()}', " +
                                                  "'Donations.Reporting.Reconciliation.AcceptedMoney')");
        await Eventually.Async(async () => await MismatchedForAdminAsync(admin, ngo) == 0, "a difference since fixed leaves the monitor's count");
    }

    /// <summary>Health as the admin sees it, and its reconciliation check.</summary>
    private static async Task<(JsonNode Health, JsonNode Check)> ReconciliationHealthAsync(HttpClient admin)
    {
        var health = (await admin.GetFromJsonAsync<JsonNode>("/health"))!;
        return (health, health["checks"]!.AsArray().Single(c => c!.Str("name") == "reconciliation")!);
    }

    /// <summary>The NGO's mismatched donations as the reconciliation health check names them to the admin.</summary>
    private static async Task<int> MismatchedForAdminAsync(HttpClient admin, Scenario ngo) =>
        (await ReconciliationHealthAsync(admin)).Check["data"]?["ngos"]?[ngo.NgoId]?.GetValue<int>() ?? 0;
}
