using Donations.Attribution.Decisions;
using Donations.Attribution.Models;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;

namespace Donations.UnitTests.Attribution;

public class RulebookTests
{
    private static readonly DateTimeOffset PaidAt = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid ClickId = Guid.Parse("0199b6a4-0000-7000-8000-000000000001");

    private static DonationReceived Donation(string? clickId = null, string? fundraiser = null, string ngo = "ngo-a") =>
        new(ngo, Guid.NewGuid(), "generic", "tx-1", 150_00, "RUB", PaidAt, clickId, fundraiser, null, null, PaidAt);

    private static ClickRecorded Click(TimeSpan before, bool bot = false, string ngo = "ngo-a") =>
        new(ngo, ClickId, "code1", "wall-1_2", "spring", null, "visitor-1", bot, PaidAt - before);

    [Fact]
    public void Credits_the_whole_amount_to_the_clicked_post_under_last_click()
    {
        var decision = Rulebook.Decide(Donation(ClickId.ToString()), Click(TimeSpan.FromHours(1)), AttributionSettings.Default);
        Assert.Equal(AttributionStatus.Attributed, decision.Status);
        Assert.Equal(Rules.ClickId, decision.Rule);
        var credit = Assert.Single(decision.Credits);
        Assert.Equal(new Credit("wall-1_2", "spring", null, ClickId, 150_00), credit);
    }

    [Fact]
    public void Without_a_click_id_the_donation_is_unattributed_with_that_reason()
    {
        var decision = Rulebook.Decide(Donation(), null, AttributionSettings.Default);
        Assert.Equal((AttributionStatus.Unattributed, Reasons.NoClickId), (decision.Status, decision.Reason));
        Assert.Empty(decision.Credits);
    }

    [Fact]
    public void A_click_not_yet_known_leaves_it_unattributed_as_unknown()
    {
        var decision = Rulebook.Decide(Donation(ClickId.ToString()), null, AttributionSettings.Default);
        Assert.Equal(Reasons.UnknownClickId, decision.Reason);
    }

    [Fact]
    public void Another_ngos_click_is_treated_as_unknown()
    {
        var decision = Rulebook.Decide(Donation(ClickId.ToString()), Click(TimeSpan.FromHours(1), ngo: "ngo-b"), AttributionSettings.Default);
        Assert.Equal(Reasons.UnknownClickId, decision.Reason);
    }

    [Fact]
    public void A_bot_click_earns_nothing() =>
        Assert.Equal(Reasons.BotClick, Rulebook.Decide(Donation(ClickId.ToString()), Click(TimeSpan.FromHours(1), bot: true), AttributionSettings.Default).Reason);

    [Fact]
    public void The_lookback_window_includes_its_edge_and_nothing_before_it()
    {
        var settings = new AttributionSettings(AttributionModel.LastClick, 30);
        Assert.Equal(AttributionStatus.Attributed, Rulebook.Decide(Donation(ClickId.ToString()), Click(TimeSpan.FromDays(30)), settings).Status);
        var late = Rulebook.Decide(Donation(ClickId.ToString()), Click(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1)), settings);
        Assert.Equal(Reasons.OutsideWindow, late.Reason);
    }

    [Fact]
    public void Without_a_usable_click_a_named_fundraiser_gets_the_credit_with_no_post()
    {
        var decision = Rulebook.Decide(Donation(fundraiser: "winter-coats"), null, AttributionSettings.Default);
        Assert.Equal(Rules.Fundraiser, decision.Rule);
        Assert.Equal(new Credit(null, null, "winter-coats", null, 150_00), Assert.Single(decision.Credits));
    }
}

public class DecisionTests
{
    private static DonationAttributed Recorded(string status, string rule, string? reason, params Credit[] credits) =>
        new("ngo-a", Guid.NewGuid(), 1, "generic", "tx", 100, "RUB", DateTimeOffset.UnixEpoch, status, rule, reason, "last-click", 30, credits, DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_new_reason_is_a_change_even_when_nothing_is_credited()
    {
        var recorded = Recorded(AttributionStatus.Unattributed, Rules.None, Reasons.UnknownClickId);
        Assert.True(Decision.Unattributed(Reasons.UnknownClickId).IsRecordedIn(recorded));
        Assert.False(Decision.Unattributed(Reasons.BotClick).IsRecordedIn(recorded));
        Assert.False(Decision.Unattributed(Reasons.BotClick).IsRecordedIn(null));
    }

    [Fact]
    public void Different_credits_are_a_change()
    {
        var credit = new Credit("wall-1_2", "c", null, null, 100);
        var recorded = Recorded(AttributionStatus.Attributed, Rules.ClickId, null, credit);
        Assert.True(new Decision(AttributionStatus.Attributed, Rules.ClickId, null, [credit]).IsRecordedIn(recorded));
        Assert.False(new Decision(AttributionStatus.Attributed, Rules.ClickId, null, [credit with { PostId = "wall-1_3" }]).IsRecordedIn(recorded));
    }
}
