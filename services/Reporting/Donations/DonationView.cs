using Marten.Schema;
using Donations.Contracts.Attribution;

namespace Donations.Reporting.Donations;

/// <summary>One donation as a finance team reads it: the latest decision about it, money net of refunds.</summary>
public sealed class DonationView
{
    public Guid Id { get; set; }
    public string NgoId { get; set; } = "";
    public string Provider { get; set; } = "";
    public string ProviderTxId { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    public DonationAttributed Latest { get; set; } = null!;
    [Version] public Guid Version { get; set; }
}

/// <summary>Every revision Reporting has received, kept so that a report can say what it said at any past moment.</summary>
public sealed record LedgerEntry(
    string Id, string NgoId, Guid DonationId, int Revision, DateTimeOffset DecidedAt, string Currency,
    long AmountMinor, long RefundedMinor, long AttributedMinor, DonationAttributed Decision)
{
    public static LedgerEntry Of(DonationAttributed d) => new(
        $"{d.DonationId}/{d.Revision}", d.NgoId, d.DonationId, d.Revision, d.DecidedAt, d.Currency,
        d.AmountMinor, d.RefundedMinor, d.AttributedMinor(), d);
}

public static class DonationAttributedExtensions
{
    public static long AttributedMinor(this DonationAttributed d) => d.Credits.Sum(c => c.AmountMinor);
}
