using System.Globalization;

namespace Donations.Contracts.Money;

public static class Amounts
{
    /// <summary>
    /// Reads a provider's decimal amount in major units ("123.00", 49.8) as minor units of the currency; false when
    /// it is not a number or has more decimals than the currency has minor digits.
    /// </summary>
    public static bool TryParseMajor(string? text, string currency, out long minor)
    {
        minor = 0;
        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var major)
               && TryFromMajor(major, currency, out minor);
    }

    public static bool TryFromMajor(decimal major, string currency, out long minor)
    {
        minor = 0;
        if (!Currencies.IsKnown(currency)) return false;
        var scaled = major * (decimal)Math.Pow(10, Currencies.DigitsOf(currency));
        if (scaled != decimal.Truncate(scaled) || Math.Abs(scaled) > long.MaxValue) return false;
        minor = (long)scaled;
        return true;
    }
}
