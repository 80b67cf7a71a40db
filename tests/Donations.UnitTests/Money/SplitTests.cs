using Donations.Contracts.Money;

namespace Donations.UnitTests.Money;

public class SplitTests
{
    [Theory]
    [InlineData(100, new[] { 1, 1, 1 }, new long[] { 34, 33, 33 })]
    [InlineData(1, new[] { 1, 1 }, new long[] { 1, 0 })]
    [InlineData(1000, new[] { 40, 20, 40 }, new long[] { 400, 200, 400 })]
    [InlineData(101, new[] { 40, 20, 40 }, new long[] { 41, 20, 40 })]
    [InlineData(7, new[] { 0, 1 }, new long[] { 0, 7 })]
    public void Splits_by_largest_remainder(long amount, int[] weights, long[] expected) =>
        Assert.Equal(expected, Split.LargestRemainder(amount, weights.Select(w => (decimal)w).ToArray()));

    [Fact]
    public void Parts_always_sum_to_the_amount()
    {
        var random = new Random(20261126);
        for (var run = 0; run < 2000; run++)
        {
            var amount = random.NextInt64(0, Currencies.MaxAmountMinor);
            var weights = Enumerable.Range(0, random.Next(1, 12)).Select(_ => (decimal)random.NextDouble() + 0.0001m).ToArray();
            var parts = Split.LargestRemainder(amount, weights);
            Assert.Equal(amount, parts.Sum());
            Assert.All(parts, p => Assert.InRange(p, 0, amount));
        }
    }

    [Fact]
    public void Refuses_weights_that_cannot_split()
    {
        Assert.Throws<ArgumentException>(() => Split.LargestRemainder(10, []));
        Assert.Throws<ArgumentException>(() => Split.LargestRemainder(10, [0m, 0m]));
        Assert.Throws<ArgumentException>(() => Split.LargestRemainder(10, [1m, -1m]));
    }
}
