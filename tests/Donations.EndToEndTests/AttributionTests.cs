using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Contracts.Ingestion;

namespace Donations.EndToEndTests;

/// <summary>The attribution ledger through the running system: refunds, recurring charges, late clicks, new settings.</summary>
[Collection(SystemCollection.Name)]
public class AttributionTests(DonationsSystem system)
{
    [Fact]
    public async Task Refunds_partial_then_full_reverse_credit_pro_rata_and_never_exceed_the_payment()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ChangeSettingsAsync("linear", 30);
        var (first, cookie) = await ngo.FirstVisitAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-5001_1", "spring")));
        var second = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-5001_2", "spring")), cookie: cookie);

        await ngo.PostGenericAsync(Scenario.DonationBody("tx-refunded", 1000_00, second));
        var donation = await ngo.DonationWhenAsync("tx-refunded", d => d.Credits().Count == 2);
        Assert.Equal([500_00L, 500_00L], donation.Credits().Select(c => c!.Long("amountMinor")));
        Assert.Contains(donation.Credits(), c => c!.Str("clickId") == first);

        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.RefundBody("rf-1", "tx-refunded", 300_01))).StatusCode);
        donation = await ngo.DonationWhenAsync("tx-refunded", d => d.Long("refundedMinor") == 300_01);
        Assert.Equal("refund", donation.Attribution().Str("cause"));
        Assert.Equal(699_99, donation.Credits().Sum(c => c!.Long("amountMinor")));
        Assert.All(donation.Credits(), c => Assert.InRange(c!.Long("amountMinor"), 349_99, 350_00));

        var overRefund = await ngo.PostGenericAsync(Scenario.RefundBody("rf-too-much", "tx-refunded", 700_00));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, overRefund.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.RefundBody("rf-2", "tx-refunded", 699_99))).StatusCode);
        var again = await ngo.PostGenericAsync(Scenario.RefundBody("rf-2", "tx-refunded", 699_99));
        Assert.Equal("duplicate", (await again.Content.ReadFromJsonAsync<JsonObject>())!.Str("status"));

        donation = await ngo.DonationWhenAsync("tx-refunded", d => d.Long("refundedMinor") == 1000_00);
        Assert.All(donation.Credits(), c => Assert.Equal(0, c!.Long("amountMinor")));
        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal((1000_00L, 1000_00L, 0L, 0L, 0L), (rub.Long("grossMinor"), rub.Long("refundedMinor"), rub.Long("netMinor"), rub.Long("attributedMinor"), rub.Long("unattributedMinor")));
    }

    [Fact]
    public async Task Concurrent_refunds_never_add_up_to_more_than_the_payment()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-contested", 100_00));
        var answers = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => ngo.PostGenericAsync(Scenario.RefundBody($"rf-race-{i}", "tx-contested", 60_00))));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.UnprocessableEntity));
        var donation = await ngo.DonationWhenAsync("tx-contested", d => d.Long("refundedMinor") > 0);
        Assert.Equal(60_00, donation.Long("refundedMinor"));
    }

    [Fact]
    public async Task A_refund_that_arrives_before_its_payment_is_counted_when_the_payment_comes()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.RefundBody("rf-early", "tx-late-payment", 200_00))).StatusCode);
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-late-payment", 500_00, fundraiserId: "winter-coats"));

        var donation = await ngo.DonationWhenAsync("tx-late-payment", d => d.Long("refundedMinor") == 200_00);
        Assert.Equal(300_00, Assert.Single(donation.Credits())!.Long("amountMinor"));
        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal((500_00L, 200_00L, 300_00L, 300_00L), (rub.Long("grossMinor"), rub.Long("refundedMinor"), rub.Long("netMinor"), rub.Long("attributedMinor")));
    }

    [Fact]
    public async Task Every_charge_of_a_subscription_inherits_the_first_payments_attribution_and_counts()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var click = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-5002_1", "monthly-friends")));

        await ngo.PostGenericAsync(Scenario.DonationBody("tx-sub-1", 300_00, click, subscriptionId: "sub-42"));
        await ngo.DonationAsync("tx-sub-1", "attributed");
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-sub-2", 300_00, subscriptionId: "sub-42"));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-sub-3", 300_00, subscriptionId: "sub-42"));

        foreach (var charge in new[] { "tx-sub-2", "tx-sub-3" })
        {
            var donation = await ngo.DonationAsync(charge, "attributed");
            Assert.Equal("recurring", donation.Attribution().Str("rule"));
            var credit = Assert.Single(donation.Credits())!;
            Assert.Equal(("wall-5002_1", click, 300_00L), (credit.Str("postId"), credit.Str("clickId"), credit.Long("amountMinor")));
        }
        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal((3L, 900_00L, 900_00L), (rub.Long("donations"), rub.Long("grossMinor"), rub.Long("attributedMinor")));
    }

    [Fact]
    public async Task Changing_settings_re_attributes_history_as_new_revisions_and_keeps_the_old_answers()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var (first, cookie) = await ngo.FirstVisitAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-5003_1", "spring")));
        var last = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-5003_2", "spring")), cookie: cookie);
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-history", 100_01, last));
        var before = await ngo.DonationAsync("tx-history", "attributed");
        Assert.Equal(last, Assert.Single(before.Credits())!.Str("clickId"));
        var decidedUnderLastClick = DateTimeOffset.UtcNow;

        var changed = await ngo.ChangeSettingsAsync("position-based", 60);
        Assert.Equal(1, changed["version"]!.GetValue<int>());
        // Donations keep flowing while history is replayed, and are decided under the new settings.
        var during = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => ngo.PostGenericAsync(Scenario.DonationBody($"tx-during-{i}", 10_00, last))));
        Assert.All(during, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await Eventually.Async(async () =>
        {
            var progress = (await ngo.Attribution().GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/attribution-settings"))!["reattribution"]!;
            return progress["finishedAt"] is not null && progress["done"]!.GetValue<int>() == progress["total"]!.GetValue<int>();
        }, "the re-attribution finishes");

        var after = await ngo.DonationWhenAsync("tx-history", d => d.Attribution().Str("model") == "position-based");
        Assert.Equal(("settings changed", 1, 60), (after.Attribution().Str("cause"), after.Attribution()["settingsVersion"]!.GetValue<int>(), after.Attribution()["lookbackDays"]!.GetValue<int>()));
        Assert.True(after.Revision() > before.Revision());
        Assert.Equal([(first, 50_01L), (last, 50_00L)], after.Credits().Select(c => (c!.Str("clickId"), c!.Long("amountMinor"))));

        var then = await ngo.Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/donations/{after.Str("id")}?asOf={Uri.EscapeDataString(decidedUnderLastClick.ToString("O"))}");
        Assert.Equal(("last-click", before.Revision()), (then!.Attribution().Str("model"), then!.Revision()));
        for (var i = 1; i <= 5; i++)
        {
            var flowing = await ngo.DonationWhenAsync($"tx-during-{i}", d => d.Attribution().Str("model") == "position-based");
            Assert.Equal([5_00L, 5_00L], flowing.Credits().Select(c => c!.Long("amountMinor")));
        }
        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal((150_01L, 150_01L, 6L), (rub.Long("grossMinor"), rub.Long("attributedMinor"), rub.Long("donations")));
    }

    [Fact]
    public async Task Clicks_made_after_the_payment_get_no_credit_beyond_a_small_clock_skew()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ChangeSettingsAsync("linear", 30);
        var (afterPaying, cookie) = await ngo.FirstVisitAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-5006_1", "spring")));
        var named = await ngo.ClickAsync(await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-5006_2", "spring")), cookie: cookie);

        // The provider says the payment was a minute before our clock saw its click: the named click alone is credited.
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-skewed", 100_00, named, occurredAt: DateTimeOffset.UtcNow.AddMinutes(-1)));
        var skewed = await ngo.DonationAsync("tx-skewed", "attributed");
        Assert.Equal((named, 100_00L), (Assert.Single(skewed.Credits())!.Str("clickId"), skewed.Credits()[0]!.Long("amountMinor")));

        // A payment forty days before the click it names cannot have come from it, whatever the window.
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-long-before", 100_00, afterPaying, occurredAt: DateTimeOffset.UtcNow.AddDays(-40)));
        var before = await ngo.DonationAsync("tx-long-before", "click after payment");
        Assert.Empty(before.Credits());
    }

    [Fact]
    public async Task Settings_are_validated_and_only_a_manager_changes_them()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        using var viewer = system.Client(system.Attribution, ngo.ViewerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/attribution-settings", new { model = "linear", lookbackDays = 7 })).StatusCode);
        using var manager = system.Client(system.Attribution, ngo.ManagerKey);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/attribution-settings", new { model = "most-clicks", lookbackDays = 7 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/attribution-settings", new { model = "linear", lookbackDays = 400 })).StatusCode);
        var current = await viewer.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/attribution-settings");
        Assert.Equal(("last-click", 30), (current!.Str("model"), current!["lookbackDays"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_late_click_re_attributes_its_donation_and_redelivered_messages_change_nothing()
    {
        // The test plays Ingestion's forwarder, so that the donation reaches Attribution before its click.
        var ngo = await Scenario.NewNgoAsync(system);
        var clickId = Guid.CreateVersion7();
        var donation = new DonationReceived(ngo.NgoId, Guid.NewGuid(), "generic", "tx-before-its-click", 250_00, "RUB",
            DateTimeOffset.UtcNow.AddMinutes(-1), clickId.ToString(), null, null, null, DateTimeOffset.UtcNow);
        var messageId = Guid.NewGuid();
        await system.PublishAsync(donation, messageId);
        await system.PublishAsync(donation, messageId);      // the broker redelivers
        await system.PublishAsync(donation, Guid.NewGuid()); // the same fact forwarded twice
        await ngo.DonationAsync("tx-before-its-click", "unknown click id");

        var click = new ClickRecorded(ngo.NgoId, clickId, "code", "wall-5004_1", "spring", null, "visitor-late", false, DateTimeOffset.UtcNow.AddMinutes(-3));
        await system.PublishAsync(click, Guid.NewGuid());
        await system.PublishAsync(click, Guid.NewGuid());
        var attributed = await ngo.DonationAsync("tx-before-its-click", "attributed");
        Assert.Equal(("late click", 2), (attributed.Attribution().Str("cause"), attributed.Revision()));
        Assert.Equal("wall-5004_1", Assert.Single(attributed.Credits())!.Str("postId"));

        // A refund after the re-attribution reverses the re-attributed credit.
        var refund = new DonationRefunded(ngo.NgoId, donation.DonationId, "generic", "rf-after", "tx-before-its-click", 50_00, "RUB",
            RefundKinds.Refund, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        await system.PublishAsync(refund, Guid.NewGuid());
        await system.PublishAsync(refund, Guid.NewGuid());
        var refunded = await ngo.DonationWhenAsync("tx-before-its-click", d => d.Long("refundedMinor") > 0);
        Assert.Equal((50_00L, 200_00L), (refunded.Long("refundedMinor"), Assert.Single(refunded.Credits())!.Long("amountMinor")));

        // A later donation has passed through everything: the repeats had every chance to be counted.
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-after", 1_00));
        await ngo.DonationAsync("tx-after");
        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal((2L, 251_00L, 50_00L, 200_00L), (rub.Long("donations"), rub.Long("grossMinor"), rub.Long("refundedMinor"), rub.Long("attributedMinor")));
        Assert.Equal(3, (await ngo.Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/donations/{donation.DonationId}"))!.Revision());
    }

    [Fact]
    public async Task A_visitors_earlier_click_that_arrives_after_their_donation_takes_its_share()
    {
        // The test plays Ingestion's forwarder, which publishes a page at once: the visitor's first click crosses the donation.
        var ngo = await Scenario.NewNgoAsync(system);
        await ngo.ChangeSettingsAsync("linear", 30);
        var now = DateTimeOffset.UtcNow;
        ClickRecorded Click(string post, string visitor, DateTimeOffset at, bool bot = false) =>
            new(ngo.NgoId, Guid.CreateVersion7(), "code", post, "spring", null, visitor, bot, at);
        var named = Click("wall-5006_2", "visitor-crossed", now.AddMinutes(-2));
        await system.PublishAsync(named, Guid.NewGuid());
        var donation = new DonationReceived(ngo.NgoId, Guid.NewGuid(), "generic", "tx-crossed", 300_01, "RUB",
            now.AddMinutes(-1), named.ClickId.ToString(), null, null, null, now);
        await system.PublishAsync(donation, Guid.NewGuid());
        var alone = await ngo.DonationAsync("tx-crossed", "attributed");
        Assert.Equal("wall-5006_2", Assert.Single(alone.Credits())!.Str("postId"));

        var earlier = Click("wall-5006_1", "visitor-crossed", now.AddMinutes(-10));
        await system.PublishAsync(earlier, Guid.NewGuid());
        var shared = await ngo.DonationWhenAsync("tx-crossed", d => d.Credits().Count == 2, "two linear credits");
        Assert.Equal(("late click", 2), (shared.Attribution().Str("cause"), shared.Revision()));
        var byPost = shared.Credits().ToDictionary(c => c!.Str("postId"), c => c!.Long("amountMinor"));
        Assert.Equal(300_01, byPost.Values.Sum());
        Assert.Equal(["wall-5006_1", "wall-5006_2"], byPost.Keys.Order());
        Assert.InRange(byPost["wall-5006_1"], 150_00, 150_01);

        // Clicks it does not precede, a bot's, and another visitor's change nothing.
        await system.PublishAsync(Click("wall-5006_3", "visitor-crossed", now), Guid.NewGuid());
        await system.PublishAsync(Click("wall-5006_4", "visitor-crossed", now.AddMinutes(-5), bot: true), Guid.NewGuid());
        await system.PublishAsync(Click("wall-5006_5", "visitor-other", now.AddMinutes(-5)), Guid.NewGuid());
        var marker = new DonationReceived(ngo.NgoId, Guid.NewGuid(), "generic", "tx-crossed-after", 1_00, "RUB", now, null, null, null, null, now);
        await system.PublishAsync(marker, Guid.NewGuid());
        await ngo.DonationAsync("tx-crossed-after");
        var settled = await ngo.DonationAsync("tx-crossed");
        Assert.Equal((2, 2), (settled.Revision(), settled.Credits().Count));
    }

    [Fact]
    public async Task A_charge_that_arrives_before_its_earlier_first_payment_follows_it_once_it_comes()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var clickId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await system.PublishAsync(new ClickRecorded(ngo.NgoId, clickId, "code", "wall-5005_1", "monthly", null, "visitor-sub", false, now.AddMonths(-1).AddMinutes(-5)), Guid.NewGuid());
        var charge = new DonationReceived(ngo.NgoId, Guid.NewGuid(), "generic", "tx-charge-2", 300_00, "RUB", now, null, null, "sub-ooo", null, now);
        await system.PublishAsync(charge, Guid.NewGuid());
        await ngo.DonationAsync("tx-charge-2", "no click id");

        var first = new DonationReceived(ngo.NgoId, Guid.NewGuid(), "generic", "tx-charge-1", 300_00, "RUB", now.AddMonths(-1), clickId.ToString(), null, "sub-ooo", null, now);
        await system.PublishAsync(first, Guid.NewGuid());

        await ngo.DonationAsync("tx-charge-1", "attributed");
        var followed = await ngo.DonationAsync("tx-charge-2", "attributed");
        Assert.Equal(("recurring", "first payment re-attributed"), (followed.Attribution().Str("rule"), followed.Attribution().Str("cause")));
        Assert.Equal("wall-5005_1", Assert.Single(followed.Credits())!.Str("postId"));
        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal((2L, 600_00L, 600_00L), (rub.Long("donations"), rub.Long("grossMinor"), rub.Long("attributedMinor")));
    }

}
