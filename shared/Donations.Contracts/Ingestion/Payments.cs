namespace Donations.Contracts.Ingestion;

/// <summary>
/// A payment provider confirmed money given to an NGO. One per (NGO, provider, provider transaction id).
/// <see cref="FeeMinor"/> is what the provider kept, where it says (VK Donut, CloudPayments). <see cref="DonorId"/> is a
/// pseudonym (<c>dnr_…</c>), never the donor's own id or email; <see cref="DonorSealed"/> is what the provider said of
/// the donor (email, name), sealed with that donor's own key, which erasure destroys.
/// </summary>
public sealed record DonationReceived(
    string NgoId,
    Guid DonationId,
    string Provider,
    string ProviderTxId,
    long AmountMinor,
    string Currency,
    DateTimeOffset OccurredAt,
    string? ClickId,
    string? FundraiserId,
    string? SubscriptionId,
    string? DonorId,
    DateTimeOffset ReceivedAt,
    long? FeeMinor = null,
    string? DonorSealed = null);

/// <summary>A donor's personal data was erased at the NGO's request: their key is destroyed; the money facts stay.</summary>
public sealed record DonorErased(string NgoId, string DonorId, DateTimeOffset ErasedAt);

public static class RefundKinds
{
    public const string Refund = "refund";
    public const string Chargeback = "chargeback";

    /// <summary>The provider cancelled a completed payment before settling it (CloudPayments' Cancel): all that remained goes back.</summary>
    public const string Cancellation = "cancellation";
}

/// <summary>
/// Money given back to the donor, in part or in full, or taken back by the card scheme (a chargeback).
/// One per (NGO, provider, the refund's own transaction id); <see cref="DonationId"/> names the payment.
/// </summary>
public sealed record DonationRefunded(
    string NgoId,
    Guid DonationId,
    string Provider,
    string RefundTxId,
    string PaymentTxId,
    long AmountMinor,
    string Currency,
    string Kind,
    DateTimeOffset RefundedAt,
    DateTimeOffset ReceivedAt);

/// <summary>
/// Money a platform paid out to the NGO (a VK Donut withdrawal), or a payout that failed. Recorded to set against
/// the money received; never a donation.
/// </summary>
public sealed record PayoutRecorded(
    string NgoId, string Provider, string PayoutId, long AmountMinor, long FeeMinor, string Currency, bool Succeeded, string? Reason,
    DateTimeOffset OccurredAt);

/// <summary>
/// A payment the provider declined or cancelled; never money. <see cref="SubscriptionId"/> names the recurring donation
/// whose charge failed (CloudPayments Fail), so its subscription shows as failing.
/// </summary>
public sealed record PaymentFailed(
    string NgoId, string Provider, string ProviderTxId, long? AmountMinor, string? Currency, string Reason, DateTimeOffset ReceivedAt,
    string? SubscriptionId = null, DateTimeOffset? OccurredAt = null);

/// <summary>
/// A recurring donation changed state as its provider tells it (CloudPayments Recurrent: Active, PastDue, Cancelled, Rejected,
/// Expired; VK Donut: cancelled, expired, price_changed). <see cref="Interval"/> and <see cref="Period"/> are its schedule when
/// the provider says it (CloudPayments: charged every Period Days, Weeks or Months); without one a subscription is monthly.
/// </summary>
public sealed record SubscriptionStatusChanged(
    string NgoId, string Provider, string SubscriptionId, string Status, string? DonorId, long? AmountMinor, string? Currency, DateTimeOffset ReceivedAt,
    string? Interval = null, int? Period = null);

/// <summary>The intervals a subscription's schedule counts in (CloudPayments' names).</summary>
public static class RecurrenceIntervals
{
    public const string Day = "Day", Week = "Week", Month = "Month";
    public static readonly string[] All = [Day, Week, Month];
}
