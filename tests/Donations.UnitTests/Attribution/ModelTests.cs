using Donations.Attribution.Decisions;
using Donations.Attribution.Models;
using Donations.Contracts.Attribution;

namespace Donations.UnitTests.Attribution;

public class ModelTests
{
    private static readonly DateTimeOffset PaidAt = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset[] DaysBefore(params double[] days) => days.Select(d => PaidAt.AddDays(-d)).ToArray();

    public static TheoryData<string> Models => new(AttributionModels.All.Keys);

    [Theory]
    [MemberData(nameof(Models))]
    public void Shares_are_non_negative_one_per_touchpoint_and_split_any_amount_exactly(string model)
    {
        var random = new Random(model.GetHashCode(StringComparison.Ordinal) ^ 2026);
        for (var run = 0; run < 500; run++)
        {
            var times = Enumerable.Range(0, random.Next(1, 15)).Select(_ => random.NextDouble() * 365).OrderDescending().ToArray();
            var shares = AttributionModels.For(model)(DaysBefore(times), PaidAt);

            Assert.Equal(times.Length, shares.Length);
            Assert.All(shares, s => Assert.True(s >= 0));
            Assert.InRange(shares.Sum(), 0.999999m, 1.000001m);

            var amount = random.NextInt64(1, 10_000_000_00);
            var credits = Rulebook.WithAmounts(amount, shares.Select(s => new Credit(null, null, null, null, s, 0)).Where(c => c.Share > 0).ToList());
            Assert.Equal(amount, credits.Sum(c => c.AmountMinor));
        }
    }

    [Fact]
    public void Last_and_first_click_give_everything_to_one_end()
    {
        Assert.Equal([0m, 0m, 1m], LastClick.Shares(DaysBefore(9, 5, 1), PaidAt));
        Assert.Equal([1m, 0m, 0m], FirstClick.Shares(DaysBefore(9, 5, 1), PaidAt));
        Assert.Equal([1m], LastClick.Shares(DaysBefore(2), PaidAt));
    }

    [Fact]
    public void Linear_gives_every_click_the_same()
    {
        var shares = Linear.Shares(DaysBefore(9, 5, 1, 0), PaidAt);
        Assert.All(shares, s => Assert.Equal(0.25m, s));
    }

    [Fact]
    public void Time_decay_halves_the_weight_every_seven_days()
    {
        var shares = TimeDecay.Shares(DaysBefore(14, 7, 0), PaidAt);
        Assert.Equal(1 / 7.0, (double)shares[0], 6);
        Assert.Equal(2 / 7.0, (double)shares[1], 6);
        Assert.Equal(4 / 7.0, (double)shares[2], 6);
    }

    [Fact]
    public void Time_decay_weighs_clicks_at_the_same_moment_equally()
    {
        var shares = TimeDecay.Shares(DaysBefore(3, 3), PaidAt);
        Assert.Equal(shares[0], shares[1]);
    }

    [Fact]
    public void Position_based_gives_forty_twenty_forty_and_handles_one_and_two_clicks()
    {
        Assert.Equal([1m], PositionBased.Shares(DaysBefore(1), PaidAt));
        Assert.Equal([0.5m, 0.5m], PositionBased.Shares(DaysBefore(2, 1), PaidAt));
        Assert.Equal([0.4m, 0.2m, 0.4m], PositionBased.Shares(DaysBefore(3, 2, 1), PaidAt));
        var five = PositionBased.Shares(DaysBefore(5, 4, 3, 2, 1), PaidAt);
        Assert.Equal(0.4m, five[0]);
        Assert.Equal(0.4m, five[4]);
        Assert.Equal(0.2m, Math.Round(five[1] + five[2] + five[3], 20));
    }

    [Fact]
    public void Position_based_splits_a_kopeck_sum_exactly()
    {
        var credits = Rulebook.WithAmounts(1001, PositionBased.Shares(DaysBefore(3, 2, 1), PaidAt).Select(s => new Credit(null, null, null, null, s, 0)).ToList());
        Assert.Equal([401L, 200L, 400L], credits.Select(c => c.AmountMinor));
    }

    [Theory]
    [InlineData(null, 30)]
    [InlineData("most-clicks", 30)]
    [InlineData("linear", 0)]
    [InlineData("linear", 366)]
    [InlineData("linear", null)]
    public void Settings_outside_the_models_and_the_window_range_are_refused(string? model, int? days) =>
        Assert.NotNull(AttributionSettings.Problem(model, days));

    [Fact]
    public void Every_model_with_a_window_from_one_day_to_a_year_is_accepted()
    {
        foreach (var model in AttributionModels.All.Keys)
        {
            Assert.Null(AttributionSettings.Problem(model, 1));
            Assert.Null(AttributionSettings.Problem(model, 365));
        }
    }
}
