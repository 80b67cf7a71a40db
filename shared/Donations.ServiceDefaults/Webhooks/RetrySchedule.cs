namespace Donations.ServiceDefaults.Webhooks;

/// <summary>
/// When a webhook delivery that failed is tried again: after each failed attempt, the next delay of the schedule, with
/// up to 10% random jitter so that failures caused by the attempts themselves do not recur in step; a receiver's
/// <c>Retry-After</c> is honoured when it asks for longer (up to the schedule's longest delay). When the schedule is
/// spent, the delivery has failed for good.
/// </summary>
public sealed class RetrySchedule(IReadOnlyList<TimeSpan> delays)
{
    /// <summary>About 24 hours in all: 5 s, 1 min, 5 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h (23 h 36 min before jitter).</summary>
    public static readonly RetrySchedule Default = new([
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1),
        TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(8), TimeSpan.FromHours(8)]);

    public IReadOnlyList<TimeSpan> Delays { get; } = delays;

    /// <summary>Attempts a delivery gets in all: the first and one per delay.</summary>
    public int Attempts => Delays.Count + 1;

    /// <summary>
    /// When to try again after <paramref name="failedAttempts"/> failed attempts (the last at <paramref name="now"/>), or
    /// null when the schedule is spent. <paramref name="jitter"/> is a number in [0, 1).
    /// </summary>
    public DateTimeOffset? Next(int failedAttempts, DateTimeOffset now, TimeSpan? retryAfter, double jitter)
    {
        if (failedAttempts < 1 || failedAttempts > Delays.Count) return null;
        var delay = Delays[failedAttempts - 1] * (1 + 0.1 * jitter);
        if (retryAfter is { } asked && asked > delay) delay = asked < Delays.Max() ? asked : Delays.Max();
        return now + delay;
    }

    /// <summary>A schedule written as seconds, comma-separated ("5,60,300"); null when it is not one.</summary>
    public static RetrySchedule? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var delays = new List<TimeSpan>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(part, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
                return null;
            delays.Add(TimeSpan.FromSeconds(seconds));
        }
        return delays.Count == 0 ? null : new RetrySchedule(delays);
    }
}
