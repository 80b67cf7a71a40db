using Donations.Contracts.Attribution;

namespace Donations.Reporting.Donations;

public sealed record AttributionView(
    string Status, string Rule, string? Reason, string Model, int LookbackDays, int Revision, DateTimeOffset DecidedAt, IReadOnlyList<Credit> Credits);

/// <summary>One donation as a finance team reads it: the money, and the latest decision about who raised it.</summary>
public sealed class DonationView
{
    public Guid Id { get; set; }
    public string NgoId { get; set; } = "";
    public string Provider { get; set; } = "";
    public string ProviderTxId { get; set; } = "";
    public long AmountMinor { get; set; }
    public string Currency { get; set; } = "";
    public long RefundedMinor { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public AttributionView Attribution { get; set; } = null!;
    public Guid Version { get; set; }

    public long AttributedMinor => Attribution.Credits.Sum(c => c.AmountMinor);
}
