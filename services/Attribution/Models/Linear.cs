namespace Donations.Attribution.Models;

/// <summary>Equal credit to every click.</summary>
public static class Linear
{
    public static decimal[] Shares(IReadOnlyList<DateTimeOffset> clickTimes, DateTimeOffset donatedAt) =>
        Enumerable.Repeat(1m / clickTimes.Count, clickTimes.Count).ToArray();
}
