using Donations.ServiceDefaults.Webhooks;

namespace Donations.Reporting.OutgoingWebhooks;

/// <summary>Configuration section <c>OutgoingWebhooks</c>.</summary>
public sealed class OutgoingWebhookOptions
{
    /// <summary>Seconds between attempts, comma-separated; the default spans about 24 hours (<see cref="RetrySchedule.Default"/>).</summary>
    public string? RetrySeconds { get; set; }

    /// <summary>How long a receiver has to answer; the spec recommends 15 to 30 s.</summary>
    public double TimeoutSeconds { get; set; } = 15;

    /// <summary>An endpoint whose every attempt has failed for this long is disabled.</summary>
    public double DisableAfterSeconds { get; set; } = TimeSpan.FromHours(24).TotalSeconds;

    /// <summary>How often the dispatcher looks for due deliveries when nothing wakes it.</summary>
    public double PollSeconds { get; set; } = 1;

    public double FundraiserWatchSeconds { get; set; } = 15;

    /// <summary>Deliveries sent at once by one instance.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>Allows http:// URLs and private or loopback addresses: for a receiver on one's own machine, never in production.</summary>
    public bool AllowInsecureTargets { get; set; }

    public RetrySchedule Schedule => RetrySchedule.Parse(RetrySeconds) ?? RetrySchedule.Default;
}
