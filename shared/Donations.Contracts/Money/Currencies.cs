namespace Donations.Contracts.Money;

/// <summary>The ISO 4217 currencies we accept, with the number of digits of their minor unit.</summary>
public static class Currencies
{
    private static readonly Dictionary<string, int> MinorDigits = new(StringComparer.Ordinal)
    {
        ["RUB"] = 2, ["USD"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["CHF"] = 2, ["CNY"] = 2,
        ["KZT"] = 2, ["BYN"] = 2, ["UAH"] = 2, ["UZS"] = 2, ["AMD"] = 2, ["AZN"] = 2,
        ["GEL"] = 2, ["KGS"] = 2, ["TJS"] = 2, ["MDL"] = 2, ["TRY"] = 2, ["JPY"] = 0,
    };

    /// <summary>The largest single donation we accept, in minor units (one billion major units).</summary>
    public const long MaxAmountMinor = 100_000_000_000;

    public static bool IsKnown(string? code) => code is not null && MinorDigits.ContainsKey(code);

    public static int DigitsOf(string code) =>
        MinorDigits.TryGetValue(code, out var digits) ? digits : throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));

    /// <summary>Why an amount cannot be accepted as money, or null when it can.</summary>
    public static string? Problem(long amountMinor, string? currency) =>
        !IsKnown(currency) ? $"Currency '{currency}' is not supported; use an ISO 4217 code such as RUB."
        : amountMinor <= 0 ? "The amount must be a positive number of minor units (kopecks)."
        : amountMinor > MaxAmountMinor ? $"The amount {amountMinor} exceeds the limit of {MaxAmountMinor} minor units."
        : null;
}
