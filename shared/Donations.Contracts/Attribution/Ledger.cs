namespace Donations.Contracts.Attribution;

public static class AttributionStatus
{
    public const string Attributed = "attributed";
    public const string Unattributed = "unattributed";
}

/// <summary>Who was credited with part of a donation. Credits of one decision sum exactly to the donation's amount.</summary>
public sealed record Credit(string? PostId, string? CampaignId, string? FundraiserId, Guid? ClickId, long AmountMinor);

/// <summary>
/// Attribution's decision about one donation. Each later decision about the same donation carries the next
/// revision and replaces the earlier one; nothing is deleted.
/// </summary>
public sealed record DonationAttributed(
    string NgoId,
    Guid DonationId,
    int Revision,
    string Provider,
    string ProviderTxId,
    long AmountMinor,
    string Currency,
    DateTimeOffset OccurredAt,
    string Status,
    string Rule,
    string? Reason,
    string Model,
    int LookbackDays,
    IReadOnlyList<Credit> Credits,
    DateTimeOffset DecidedAt);
