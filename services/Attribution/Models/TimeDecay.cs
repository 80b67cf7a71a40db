namespace Donations.Attribution.Models;

/// <summary>Credit halves for every seven days a click lies before the donation.</summary>
public static class TimeDecay
{
    public static readonly TimeSpan HalfLife = TimeSpan.FromDays(7);

    public static decimal[] Shares(IReadOnlyList<DateTimeOffset> clickTimes, DateTimeOffset donatedAt)
    {
        var weights = clickTimes
            .Select(at => Math.Pow(2, -Math.Max(0, (donatedAt - at).TotalSeconds) / HalfLife.TotalSeconds))
            .ToArray();
        var total = weights.Sum();
        return weights.Select(w => (decimal)(w / total)).ToArray();
    }
}
