namespace Donations.Ingestion.Webhooks;

// Facts providers tell us that are not money. They stay inside Ingestion: recorded, deduplicated, auditable.

/// <summary>A payment the provider declined or cancelled.</summary>
public sealed record PaymentFailed(
    string NgoId, string Provider, string ProviderTxId, long? AmountMinor, string? Currency, string Reason, DateTimeOffset ReceivedAt);

/// <summary>A recurring donation changed state (active, past due, cancelled, expired, new price …).</summary>
public sealed record SubscriptionStatusChanged(
    string NgoId, string Provider, string SubscriptionId, string Status, string? DonorId, long? AmountMinor, string? Currency, DateTimeOffset ReceivedAt);
