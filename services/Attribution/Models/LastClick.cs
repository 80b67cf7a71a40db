namespace Donations.Attribution.Models;

/// <summary>All credit to the last click before the donation.</summary>
public static class LastClick
{
    public static decimal[] Shares(IReadOnlyList<DateTimeOffset> clickTimes, DateTimeOffset donatedAt)
    {
        var shares = new decimal[clickTimes.Count];
        shares[^1] = 1m;
        return shares;
    }
}
