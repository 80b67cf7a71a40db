using Donations.Contracts.Money;

namespace Donations.UnitTests.Money;

public class CurrenciesTests
{
    [Fact]
    public void Accepts_a_positive_amount_in_a_known_currency() => Assert.Null(Currencies.Problem(150_00, "RUB"));

    [Theory]
    [InlineData(0, "RUB")]
    [InlineData(-100, "RUB")]
    [InlineData(Currencies.MaxAmountMinor + 1, "RUB")]
    [InlineData(100, "XXX")]
    [InlineData(100, "rub")]
    [InlineData(100, null)]
    public void Explains_what_is_wrong_with_bad_money(long amount, string? currency) =>
        Assert.NotNull(Currencies.Problem(amount, currency));

    [Fact]
    public void Knows_minor_unit_digits()
    {
        Assert.Equal(2, Currencies.DigitsOf("RUB"));
        Assert.Equal(0, Currencies.DigitsOf("JPY"));
        Assert.Throws<ArgumentException>(() => Currencies.DigitsOf("ABC"));
    }
}
