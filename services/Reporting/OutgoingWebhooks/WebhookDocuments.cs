using Marten.Schema;

namespace Donations.Reporting.OutgoingWebhooks;

public static class WebhookEventTypes
{
    public const string DonationAttributed = "donation.attributed";
    public const string DonationRefunded = "donation.refunded";
    public const string FundraiserGoalReached = "fundraiser.goal_reached";
    public const string FundraiserEnded = "fundraiser.ended";

    public static readonly IReadOnlyList<string> All = [DonationAttributed, DonationRefunded, FundraiserGoalReached, FundraiserEnded];
}

/// <summary>
/// Where an NGO receives our webhooks. The signing secret is kept only as ASP.NET Core Data Protection ciphertext
/// (purpose "webhook-endpoints"): the database never holds it in clear, and the NGO is shown it once.
/// </summary>
public sealed class WebhookEndpoint
{
    public Guid Id { get; set; }
    public string NgoId { get; set; } = "";
    public string Url { get; set; } = "";
    public List<string> Events { get; set; } = [];
    public string? Description { get; set; }
    public string ProtectedSecret { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public string? DisabledReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The first failed attempt since the last success; sustained failure disables the endpoint.</summary>
    public DateTimeOffset? FailingSince { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    [Version] public Guid Version { get; set; }
}

public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>One attempt to deliver: when, what the receiver answered (none on a timeout or a refused connection), how long it took.</summary>
public sealed record WebhookAttempt(DateTimeOffset At, int? StatusCode, long LatencyMs, string? Error, bool Replay = false);

/// <summary>
/// One event for one endpoint, durable until delivered: written in the same transaction as the marker of the fact that
/// caused it, and sent by the dispatcher on the retry schedule. Its message id is the event's, on every attempt and to
/// every endpoint, so a receiver can deduplicate.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid EndpointId { get; set; }
    public string NgoId { get; set; } = "";
    public string MessageId { get; set; } = "";
    public string Type { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string Status { get; set; } = DeliveryStatus.Pending;
    public int Attempts { get; set; }
    /// <summary>The attempts counted against the retry schedule: a replay starts it again.</summary>
    public int ScheduledAttempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public List<WebhookAttempt> Log { get; set; } = [];
    [Version] public Guid Version { get; set; }

    /// <summary>The attempts kept in the log; older ones are dropped once it is this long.</summary>
    public const int LogLimit = 50;
}

/// <summary>A fundraiser event already raised (goal reached, ended): each is raised once, whoever listens at the time.</summary>
public sealed record FundraiserMilestone(string Id, string NgoId, string FundraiserId, string Type, DateTimeOffset At);

/// <summary>
/// A fundraiser whose money changed since the fundraiser watch last looked (written with the ledger revision);
/// <see cref="Mark"/> is new with each write, so the watch removes only the mark it saw.
/// </summary>
public sealed record FundraiserToCheck(string Id, string NgoId, string FundraiserId, Guid Mark, DateTimeOffset MarkedAt);
