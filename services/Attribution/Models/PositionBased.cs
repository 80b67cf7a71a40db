namespace Donations.Attribution.Models;

/// <summary>
/// 40% to the first click, 40% to the last, 20% shared by those between. With two clicks each gets half (there is
/// nothing between to give the 20% to); with one, it gets everything.
/// </summary>
public static class PositionBased
{
    public static decimal[] Shares(IReadOnlyList<DateTimeOffset> clickTimes, DateTimeOffset donatedAt)
    {
        var n = clickTimes.Count;
        if (n == 1) return [1m];
        if (n == 2) return [0.5m, 0.5m];
        var shares = new decimal[n];
        shares[0] = shares[^1] = 0.4m;
        for (var i = 1; i < n - 1; i++) shares[i] = 0.2m / (n - 2);
        return shares;
    }
}
