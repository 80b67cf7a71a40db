using Donations.Contracts.Ingestion;
using Donations.Reporting.Recurring;

namespace Donations.UnitTests.Recurring;

public class SubscriptionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static SubscriptionView Charged(DateTimeOffset at, long amountMinor, string? interval = null, int? period = null)
    {
        var view = new SubscriptionView { Id = "ngo/cloudpayments/sc", NgoId = "ngo", Provider = "cloudpayments", SubscriptionId = "sc", Currency = "RUB" };
        view.Charges.Add(new SubscriptionCharge(Guid.NewGuid(), 1, at, amountMinor, 0, []));
        view.Schedule(interval, period, at);
        return view;
    }

    [Theory]
    [InlineData(null, null, 35, "active")] // monthly: due after a month, lapsed a week later
    [InlineData(null, null, 39, "lapsed")]
    [InlineData(RecurrenceIntervals.Week, 1, 13, "active")]
    [InlineData(RecurrenceIntervals.Week, 1, 15, "lapsed")]
    [InlineData(RecurrenceIntervals.Week, 2, 20, "active")]
    [InlineData(RecurrenceIntervals.Week, 2, 22, "lapsed")]
    [InlineData(RecurrenceIntervals.Day, 10, 16, "active")]
    [InlineData(RecurrenceIntervals.Day, 10, 18, "lapsed")]
    [InlineData(RecurrenceIntervals.Month, 3, 95, "active")]
    public void A_subscription_lapses_a_grace_after_its_schedule_says_the_next_charge_was_due(string? interval, int? period, int daysSinceCharge, string state)
    {
        var standing = SubscriptionRules.Of(Charged(Now.AddDays(-daysSinceCharge), 100_00, interval, period), Now);
        Assert.Equal(state, standing.State);
        if (state == "lapsed")
        {
            var last = Now.AddDays(-daysSinceCharge);
            var due = interval switch { "Day" => last.AddDays(period!.Value), "Week" => last.AddDays(7 * period!.Value), _ => last.AddMonths(period ?? 1) };
            Assert.Equal(due, standing.EndedAt);
        }
    }

    [Theory]
    [InlineData(null, null, 100_00)]
    [InlineData(RecurrenceIntervals.Month, 3, 300_00)]
    [InlineData(RecurrenceIntervals.Week, 1, 100_00)]
    [InlineData(RecurrenceIntervals.Week, 2, 333_33)]
    [InlineData(RecurrenceIntervals.Day, 1, 5_00)]
    public void Money_per_month_is_the_charge_spread_over_its_schedule_to_the_minor_unit(string? interval, int? period, long charge)
    {
        var days = interval switch { "Day" => period!.Value, "Week" => 7m * period!.Value, _ => 0m };
        var expected = days == 0 ? (long)Math.Round((decimal)charge / (period ?? 1), MidpointRounding.AwayFromZero)
            : (long)Math.Round(charge * (365.25m / 12) / days, MidpointRounding.AwayFromZero);
        Assert.Equal(expected, SubscriptionRules.Of(Charged(Now.AddDays(-1), charge, interval, period), Now).MonthlyMinor);
    }

    [Fact]
    public void An_older_notification_does_not_replace_a_newer_schedule()
    {
        var view = Charged(Now.AddDays(-1), 100_00, RecurrenceIntervals.Week, 1);
        Assert.False(view.Schedule(RecurrenceIntervals.Month, 1, Now.AddDays(-2)));
        Assert.True(view.Schedule(RecurrenceIntervals.Month, 2, Now));
        Assert.Equal((RecurrenceIntervals.Month, 2), (view.Interval, view.Period));
    }
}
