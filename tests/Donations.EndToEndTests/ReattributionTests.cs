using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Contracts.Ingestion;

namespace Donations.EndToEndTests;

/// <summary>Replaying history through new settings: subscriptions in every order, and one bad donation among many NGOs.</summary>
[Collection(SystemCollection.Name)]
public class ReattributionTests(DonationsSystem system)
{
    [Fact]
    public async Task A_subscriptions_charges_in_any_order_are_re_decided_under_a_new_model_and_every_ngos_replay_finishes()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var now = DateTimeOffset.UtcNow;
        var (early, late) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await system.PublishAsync(new ClickRecorded(ngo.NgoId, early, "c1", "wall-6001_1", "monthly", null, "visitor-re", false, now.AddHours(-3)), Guid.NewGuid());
        await system.PublishAsync(new ClickRecorded(ngo.NgoId, late, "c2", "wall-6001_2", "monthly", null, "visitor-re", false, now.AddHours(-2)), Guid.NewGuid());
        var other = await Scenario.NewNgoAsync(system);
        await other.PostGenericAsync(Scenario.DonationBody("tx-other", 50_00));

        // One charge before the first payment, two with it at once, one after.
        string Charge(int n) => Scenario.DonationBody($"tx-sub-re-{n}", 200_00, subscriptionId: "sub-re", occurredAt: now.AddMinutes(-60 + n));
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Charge(3))).StatusCode);
        var together = await Task.WhenAll(
            ngo.PostGenericAsync(Scenario.DonationBody("tx-sub-re-1", 200_00, late.ToString(), subscriptionId: "sub-re", occurredAt: now.AddMinutes(-60))),
            ngo.PostGenericAsync(Charge(2)), ngo.PostGenericAsync(Charge(4)));
        Assert.All(together, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Charge(5))).StatusCode);

        var charges = Enumerable.Range(1, 5).Select(n => $"tx-sub-re-{n}").ToList();
        foreach (var tx in charges)
        {
            var donation = await ngo.DonationWhenAsync(tx, d => d.Credits().Count == 1 && d.Credits()[0]!.Str("postId") == "wall-6001_2");
            Assert.Equal(tx == "tx-sub-re-1" ? "click-id" : "recurring", donation.Attribution().Str("rule"));
        }

        await ngo.ChangeSettingsAsync("first-click", 30);
        await other.ChangeSettingsAsync("linear", 30);
        foreach (var scenario in new[] { ngo, other })
        {
            var progress = await FinishedReplayAsync(scenario);
            Assert.Equal((0, progress.Total()), (progress["failed"]!.GetValue<int>(), progress["done"]!.GetValue<int>()));
        }
        foreach (var tx in charges)
        {
            var donation = await ngo.DonationWhenAsync(tx, d => d.Attribution().Str("model") == "first-click");
            var credit = Assert.Single(donation.Credits())!;
            Assert.Equal(("wall-6001_1", early.ToString(), 200_00L), (credit.Str("postId"), credit.Str("clickId"), credit.Long("amountMinor")));
        }
        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal((5L, 1000_00L, 1000_00L), (rub.Long("donations"), rub.Long("grossMinor"), rub.Long("attributedMinor")));
    }

    [Fact]
    public async Task A_donation_that_cannot_be_re_decided_is_set_aside_visibly_and_holds_up_nobody_else()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        foreach (var n in Enumerable.Range(1, 3)) await ngo.PostGenericAsync(Scenario.DonationBody($"tx-bad-{n}", n * 10_00));
        var broken = await ngo.DonationAsync("tx-bad-2");
        foreach (var n in new[] { 1, 3 }) await ngo.DonationAsync($"tx-bad-{n}");
        // Damage one donation's ledger in storage, as a bug or a bad migration would.
        await system.ExecuteSqlAsync("attribution", $"UPDATE mt_events SET data = '{{\"credits\": 5}}'::jsonb WHERE stream_id = '{broken.Str("id")}' AND type = 'donation_attributed'");

        var other = await Scenario.NewNgoAsync(system);
        await other.PostGenericAsync(Scenario.DonationBody("tx-fine", 70_00));
        await other.DonationAsync("tx-fine");
        await ngo.ChangeSettingsAsync("linear", 30);
        await other.ChangeSettingsAsync("linear", 30);

        var progress = await FinishedReplayAsync(ngo);
        Assert.Equal((3, 2, 1), (progress.Total(), progress["done"]!.GetValue<int>(), progress["failed"]!.GetValue<int>()));
        var failure = Assert.Single(progress["failures"]!.AsArray())!;
        Assert.Equal(broken.Str("id"), failure.Str("donationId"));
        Assert.False(string.IsNullOrWhiteSpace(failure.Str("error")));
        foreach (var n in new[] { 1, 3 }) await ngo.DonationWhenAsync($"tx-bad-{n}", d => d.Attribution().Str("model") == "linear");
        Assert.Equal(0, (await FinishedReplayAsync(other))["failed"]!.GetValue<int>());

        using var anonymous = system.Client(system.Attribution);
        await Eventually.Async(async () =>
        {
            var health = await anonymous.GetFromJsonAsync<JsonNode>("/health");
            var check = health!["checks"]!.AsArray().SingleOrDefault(c => c!.Str("name") == "reattribution");
            return health.Str("status") == "Degraded" && check?.Str("status") == "Degraded";
        }, "a set-aside donation degrades health");
        var metrics = await anonymous.GetStringAsync("/metrics");
        var gauge = metrics.Split('\n').Single(l => l.StartsWith("donations_reattribution_set_aside", StringComparison.Ordinal));
        Assert.True(long.Parse(gauge.Split(' ')[^1]) >= 1, gauge);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }


    private static async Task<JsonNode> FinishedReplayAsync(Scenario ngo)
    {
        JsonNode progress = null!;
        await Eventually.Async(async () =>
        {
            progress = (await ngo.Attribution().GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/attribution-settings"))!["reattribution"]!;
            return progress["finishedAt"] is not null;
        }, $"the re-attribution of {ngo.NgoId} finishes");
        return progress;
    }
}

file static class ProgressJson
{
    public static int Total(this JsonNode progress) => progress["total"]!.GetValue<int>();
}
