namespace Donations.Attribution.Models;

/// <summary>All credit to the first click inside the window: the post that introduced the donor.</summary>
public static class FirstClick
{
    public static decimal[] Shares(IReadOnlyList<DateTimeOffset> clickTimes, DateTimeOffset donatedAt)
    {
        var shares = new decimal[clickTimes.Count];
        shares[0] = 1m;
        return shares;
    }
}
