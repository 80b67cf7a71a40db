namespace Donations.Contracts.Ingestion;

/// <summary>A visitor followed a tracked link; the click id travels on to the payment page.</summary>
public sealed record ClickRecorded(
    string NgoId,
    Guid ClickId,
    string LinkCode,
    string PostId,
    string? CampaignId,
    string? FundraiserId,
    string VisitorId,
    bool IsBot,
    DateTimeOffset ClickedAt);
