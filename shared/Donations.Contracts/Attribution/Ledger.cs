namespace Donations.Contracts.Attribution;

public static class AttributionStatus
{
    public const string Attributed = "attributed";
    public const string Unattributed = "unattributed";
}

/// <summary>
/// Who was credited with part of a donation. <see cref="Share"/> is the model's weight (the shares of one
/// decision sum to 1); <see cref="AmountMinor"/> is the credit net of refunds, and the credits of one revision
/// sum exactly to the donation's amount less what was refunded.
/// </summary>
public sealed record Credit(string? PostId, string? CampaignId, string? FundraiserId, Guid? ClickId, decimal Share, long AmountMinor);

/// <summary>
/// Attribution's decision about one donation, as it stands after a change (<see cref="Cause"/>), with the money
/// facts reports need (<see cref="FeeMinor"/>: what the provider kept, where it says; <see cref="ReceivedAt"/>: when the
/// webhook was accepted; <see cref="ClickId"/> and <see cref="FundraiserId"/>: what the payment named, so its explanation can show the
/// named click even when it earned nothing). Each later
/// revision of the same donation replaces the earlier one; nothing is deleted, so any past answer can be read.
/// </summary>
public sealed record DonationAttributed(
    string NgoId,
    Guid DonationId,
    int Revision,
    string Cause,
    string Provider,
    string ProviderTxId,
    long AmountMinor,
    long RefundedMinor,
    string Currency,
    DateTimeOffset OccurredAt,
    string? SubscriptionId,
    string Status,
    string Rule,
    string? Reason,
    string Model,
    int LookbackDays,
    int SettingsVersion,
    IReadOnlyList<Credit> Credits,
    DateTimeOffset DecidedAt,
    long? FeeMinor = null,
    string? DonorId = null,
    DateTimeOffset? ReceivedAt = null,
    IReadOnlyList<RefusedRefund>? RefusedRefunds = null,
    string? ClickId = null,
    string? FundraiserId = null);

/// <summary>A refund the ledger does not count, and why: in another currency than its payment, or more than what remained of it.</summary>
public sealed record RefusedRefund(string RefundTxId, long AmountMinor, string Currency, string Reason);

public static class Causes
{
    public const string Received = "received";
    public const string LateClick = "late click";
    public const string Refund = "refund";
    public const string SettingsChanged = "settings changed";
    public const string FirstPaymentChanged = "first payment re-attributed";
}
