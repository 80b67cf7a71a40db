using Donations.Attribution.Decisions;
using Donations.Attribution.Models;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;

namespace Donations.UnitTests.Attribution;

public class RulebookTests
{
    private static readonly DateTimeOffset PaidAt = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly AttributionSettings LastClick30 = AttributionSettings.Default;
    private static readonly AttributionSettings Linear30 = new(AttributionModels.Linear, 30, 1);

    private static DonationReceived Donation(Guid? clickId = null, string? fundraiser = null, string? donor = null, long amount = 150_00) =>
        new("ngo-a", Guid.NewGuid(), "generic", "tx-1", amount, "RUB", PaidAt, clickId?.ToString(), fundraiser, null, donor, PaidAt);

    private static ClickRecorded Click(int n, TimeSpan before, bool bot = false, string ngo = "ngo-a", string visitor = "visitor-1") =>
        new(ngo, Guid.Parse($"0199b6a4-0000-7000-8000-{n:D12}"), "code", $"wall-1_{n}", "spring", null, visitor, bot, PaidAt - before);

    private static Evidence Named(ClickRecorded click, params ClickRecorded[] visitorClicks) => Evidence.None with { NamedClick = click, VisitorClicks = visitorClicks };

    [Fact]
    public void Rule2_credits_the_whole_amount_to_the_clicked_post_under_last_click()
    {
        var click = Click(1, TimeSpan.FromHours(1));
        var decision = Rulebook.Decide(Donation(click.ClickId), Named(click), LastClick30);
        Assert.Equal((AttributionStatus.Attributed, Rules.ClickId), (decision.Status, decision.Rule));
        Assert.Equal(new Credit("wall-1_1", "spring", null, click.ClickId, 1m, 150_00), Assert.Single(decision.Credits));
    }

    [Fact]
    public void Rule2_counts_the_same_visitors_other_human_clicks_inside_the_window_and_nothing_else()
    {
        var named = Click(1, TimeSpan.FromHours(1));
        var earlier = Click(2, TimeSpan.FromDays(3));
        var bot = Click(3, TimeSpan.FromDays(2), bot: true);
        var tooOld = Click(4, TimeSpan.FromDays(31));
        var otherNgo = Click(5, TimeSpan.FromDays(1), ngo: "ngo-b");
        var afterwards = Click(6, -TimeSpan.FromHours(2));

        var decision = Rulebook.Decide(Donation(named.ClickId), Named(named, earlier, bot, tooOld, otherNgo, afterwards, named), Linear30);

        Assert.Equal([earlier.ClickId, named.ClickId], decision.Credits.Select(c => c.ClickId!.Value));
        Assert.Equal([75_00L, 75_00L], decision.Credits.Select(c => c.AmountMinor));
    }

    [Fact]
    public void Touchpoints_at_the_same_moment_are_ordered_by_click_id_so_the_answer_never_varies()
    {
        var a = Click(1, TimeSpan.FromDays(1));
        var b = Click(2, TimeSpan.FromDays(1));
        var first = Rulebook.Decide(Donation(b.ClickId), Named(b, a), new AttributionSettings(AttributionModels.FirstClick, 30, 1));
        var again = Rulebook.Decide(Donation(a.ClickId), Named(a, b), new AttributionSettings(AttributionModels.FirstClick, 30, 1));
        Assert.Equal(a.ClickId, Assert.Single(first.Credits).ClickId);
        Assert.Equal(a.ClickId, Assert.Single(again.Credits).ClickId);
    }

    [Fact]
    public void Rule1_a_later_charge_inherits_the_first_payments_shares_even_when_it_names_a_click()
    {
        var first = FirstPayment(AttributionStatus.Attributed, null,
            new Credit("wall-1_1", "spring", null, Guid.NewGuid(), 0.4m, 40_00), new Credit("wall-1_2", "spring", null, Guid.NewGuid(), 0.6m, 60_00));
        var click = Click(9, TimeSpan.FromHours(1));

        var decision = Rulebook.Decide(Donation(click.ClickId, amount: 333), Named(click) with { FirstPayment = first }, LastClick30);

        Assert.Equal((AttributionStatus.Attributed, Rules.Recurring), (decision.Status, decision.Rule));
        Assert.Equal(["wall-1_1", "wall-1_2"], decision.Credits.Select(c => c.PostId));
        Assert.Equal([133L, 200L], decision.Credits.Select(c => c.AmountMinor));
    }

    [Fact]
    public void Rule1_an_unattributed_first_payment_leaves_its_charges_unattributed_for_the_same_reason()
    {
        var decision = Rulebook.Decide(Donation(), Evidence.None with { FirstPayment = FirstPayment(AttributionStatus.Unattributed, Reasons.BotClick) }, LastClick30);
        Assert.Equal((AttributionStatus.Unattributed, Rules.Recurring, Reasons.BotClick), (decision.Status, decision.Rule, decision.Reason));
    }

    [Fact]
    public void Rule3_a_donor_tied_to_a_visitor_is_credited_through_that_visitors_clicks()
    {
        var visitorClick = Click(1, TimeSpan.FromDays(2));
        var decision = Rulebook.Decide(Donation(donor: "donor-1"), Evidence.None with { DonorVisitorClicks = [visitorClick, Click(2, TimeSpan.FromDays(40))] }, LastClick30);
        Assert.Equal(Rules.DonorVisitor, decision.Rule);
        Assert.Equal(visitorClick.ClickId, Assert.Single(decision.Credits).ClickId);
    }

    [Fact]
    public void Rule4_without_a_usable_click_a_named_fundraiser_gets_the_credit_with_no_post()
    {
        var decision = Rulebook.Decide(Donation(Guid.NewGuid(), fundraiser: "winter-coats"), Evidence.None, LastClick30);
        Assert.Equal(Rules.Fundraiser, decision.Rule);
        Assert.Equal(new Credit(null, null, "winter-coats", null, 1m, 150_00), Assert.Single(decision.Credits));
    }

    [Fact]
    public void Rule5_each_unattributed_donation_says_why()
    {
        var known = Click(1, TimeSpan.FromHours(1));
        Assert.Equal(Reasons.NoClickId, Rulebook.Decide(Donation(), Evidence.None, LastClick30).Reason);
        Assert.Equal(Reasons.UnknownClickId, Rulebook.Decide(Donation(Guid.NewGuid()), Evidence.None, LastClick30).Reason);
        Assert.Equal(Reasons.UnknownClickId, Rulebook.Decide(Donation(known.ClickId), Named(Click(1, TimeSpan.FromHours(1), ngo: "ngo-b")), LastClick30).Reason);
        Assert.Equal(Reasons.BotClick, Rulebook.Decide(Donation(known.ClickId), Named(Click(1, TimeSpan.FromHours(1), bot: true)), LastClick30).Reason);
        Assert.Equal(Reasons.OutsideWindow, Rulebook.Decide(Donation(known.ClickId), Named(Click(1, TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1))), LastClick30).Reason);
        Assert.Empty(Rulebook.Decide(Donation(), Evidence.None, LastClick30).Credits);
    }

    [Fact]
    public void A_named_click_after_the_payment_counts_only_within_the_clock_skew_allowance_and_alone()
    {
        var skewed = Click(1, -(Rulebook.ClockSkewAllowance - TimeSpan.FromSeconds(1)));
        var before = Click(2, TimeSpan.FromDays(1));
        var alsoAfter = Click(3, -TimeSpan.FromSeconds(30));
        var decision = Rulebook.Decide(Donation(skewed.ClickId), Named(skewed, before, alsoAfter), Linear30);
        Assert.Equal([before.ClickId, skewed.ClickId], decision.Credits.Select(c => c.ClickId!.Value));

        var tooLate = Click(4, -(Rulebook.ClockSkewAllowance + TimeSpan.FromSeconds(1)));
        Assert.Equal(Reasons.ClickAfterPayment, Rulebook.Decide(Donation(tooLate.ClickId), Named(tooLate, before), Linear30).Reason);
        var fortyDaysLater = Click(5, -TimeSpan.FromDays(40));
        var late = Rulebook.Decide(Donation(fortyDaysLater.ClickId), Named(fortyDaysLater), LastClick30);
        Assert.Equal((AttributionStatus.Unattributed, Reasons.ClickAfterPayment), (late.Status, late.Reason));
        Assert.Empty(late.Credits);
    }

    [Fact]
    public void The_window_includes_its_edge()
    {
        var edge = Click(1, TimeSpan.FromDays(30));
        Assert.Equal(AttributionStatus.Attributed, Rulebook.Decide(Donation(edge.ClickId), Named(edge), LastClick30).Status);
        var oneDay = new AttributionSettings(AttributionModels.LastClick, 1, 1);
        Assert.Equal(Reasons.OutsideWindow, Rulebook.Decide(Donation(edge.ClickId), Named(edge), oneDay).Reason);
    }

    private static DonationAttributed FirstPayment(string status, string? reason, params Credit[] credits) =>
        new("ngo-a", Guid.NewGuid(), 1, Causes.Received, "generic", "tx-0", 100_00, 0, "RUB", PaidAt.AddMonths(-1), "sub-1", status,
            status == AttributionStatus.Attributed ? Rules.ClickId : Rules.None, reason, AttributionModels.LastClick, 30, 0, credits, PaidAt.AddMonths(-1));
}

public class DecisionTests
{
    private static DonationAttributed Recorded(string status, string rule, string? reason, params Credit[] credits) =>
        new("ngo-a", Guid.NewGuid(), 1, Causes.Received, "generic", "tx", 100, 0, "RUB", DateTimeOffset.UnixEpoch, null, status, rule, reason,
            AttributionModels.LastClick, 30, 0, credits, DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_new_reason_is_a_change_even_when_nothing_is_credited()
    {
        var recorded = Recorded(AttributionStatus.Unattributed, Rules.None, Reasons.UnknownClickId);
        Assert.True(Decision.Unattributed(Reasons.UnknownClickId).IsRecordedIn(recorded));
        Assert.False(Decision.Unattributed(Reasons.BotClick).IsRecordedIn(recorded));
        Assert.False(Decision.Unattributed(Reasons.BotClick).IsRecordedIn(null));
    }

    [Fact]
    public void Different_credits_are_a_change_but_refunded_amounts_are_not()
    {
        var credit = new Credit("wall-1_2", "c", null, null, 1m, 100);
        var recorded = Recorded(AttributionStatus.Attributed, Rules.ClickId, null, credit with { AmountMinor = 60 });
        Assert.True(new Decision(AttributionStatus.Attributed, Rules.ClickId, null, [credit]).IsRecordedIn(recorded));
        Assert.False(new Decision(AttributionStatus.Attributed, Rules.ClickId, null, [credit with { PostId = "wall-1_3" }]).IsRecordedIn(recorded));
    }
}
