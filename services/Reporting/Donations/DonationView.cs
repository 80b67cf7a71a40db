using Donations.Contracts.Attribution;
using Marten.Schema;

namespace Donations.Reporting.Donations;

/// <summary>
/// One donation as a finance team reads it: the latest decision about it. The money facts are kept as plain
/// properties too, which the store duplicates into real columns, so reports sum columns rather than JSON.
/// </summary>
public sealed class DonationView
{
    public Guid Id { get; set; }
    public string NgoId { get; set; } = "";
    public string Provider { get; set; } = "";
    public string ProviderTxId { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    public string Currency { get; set; } = "";
    public long AmountMinor { get; set; }
    public long RefundedMinor { get; set; }
    public long FeeMinor { get; set; }
    public long AttributedMinor { get; set; }
    public string Status { get; set; } = "";
    public string? Reason { get; set; }
    public string? DonorId { get; set; }
    public DonationAttributed Latest { get; set; } = null!;
    [Version] public Guid Version { get; set; }

    public static DonationView Of(DonationAttributed decided) => new DonationView { Id = decided.DonationId }.Show(decided);

    /// <summary>Shows <paramref name="decided"/> as the current decision.</summary>
    public DonationView Show(DonationAttributed decided)
    {
        NgoId = decided.NgoId;
        Provider = decided.Provider;
        ProviderTxId = decided.ProviderTxId;
        OccurredAt = decided.OccurredAt;
        Currency = decided.Currency;
        AmountMinor = decided.AmountMinor;
        RefundedMinor = decided.RefundedMinor;
        FeeMinor = decided.FeeMinor ?? 0;
        AttributedMinor = decided.AttributedMinor();
        Status = decided.Status;
        Reason = decided.Reason;
        DonorId = decided.DonorId;
        Latest = decided;
        return this;
    }
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
