namespace Donations.Contracts.Ingestion;

/// <summary>A payment provider confirmed money given to an NGO. One per (NGO, provider, provider transaction id).</summary>
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
    DateTimeOffset ReceivedAt);
