namespace Donations.Ingestion.Webhooks;

// Facts providers tell us that are not money and that no other service needs. They stay inside Ingestion: recorded, deduplicated,
// auditable. (A failed payment and a subscription's state go to Reporting: Donations.Contracts.Ingestion.)

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
