namespace Donations.Ingestion.Webhooks;

// Facts providers tell us that are not money. They stay inside Ingestion: recorded, deduplicated, auditable.

/// <summary>A payment the provider declined or cancelled.</summary>
public sealed record PaymentFailed(
    string NgoId, string Provider, string ProviderTxId, long? AmountMinor, string? Currency, string Reason, DateTimeOffset ReceivedAt);

/// <summary>A recurring donation changed state (active, past due, cancelled, expired, new price …).</summary>
public sealed record SubscriptionStatusChanged(
    string NgoId, string Provider, string SubscriptionId, string Status, string? DonorId, long? AmountMinor, string? Currency, DateTimeOffset ReceivedAt);

/// <summary>
/// A two-stage payment was authorized: the money is held on the donor's card, not given. It becomes a donation when the
/// provider confirms it, and is released if the provider cancels it. The fields are kept for the confirmation; the donor
/// as a pseudonym, their details sealed with their own key.
/// </summary>
public sealed record PaymentAuthorized(
    string NgoId, string Provider, string ProviderTxId, long AmountMinor, string Currency, DateTimeOffset OccurredAt,
    string? ClickId, string? FundraiserId, string? SubscriptionId, string? DonorId, DateTimeOffset ReceivedAt, string? DonorSealed = null);

/// <summary>An authorized payment was cancelled before it was confirmed: the held money went back to the donor.</summary>
public sealed record AuthorizationCancelled(
    string NgoId, string Provider, string ProviderTxId, long? AmountMinor, string? Currency, DateTimeOffset ReceivedAt);

/// <summary>A Standard Webhooks delivery was accepted: its <c>webhook-id</c>, and the payment or refund it brought.</summary>
public sealed record StandardWebhookAccepted(string NgoId, string WebhookId, Guid DonationId, string ProviderTxId, DateTimeOffset ReceivedAt);
