using Marten.Schema;

namespace Donations.Reporting.Summary;

/// <summary>An NGO's running totals in one currency. Never summed across currencies.</summary>
public sealed class CurrencySummary
{
    public string Id { get; set; } = "";
    public string NgoId { get; set; } = "";
    public string Currency { get; set; } = "";
    public long GrossMinor { get; set; }
    public long RefundedMinor { get; set; }
    public long AttributedMinor { get; set; }
    public int Donations { get; set; }
    [Version] public Guid Version { get; set; }

    public static string DocumentId(string ngo, string currency) => $"{ngo}/{currency}";
}

public sealed record CurrencyTotals(
    string Currency, long GrossMinor, long RefundedMinor, long NetMinor, long AttributedMinor, long UnattributedMinor, int Donations)
{
    public static CurrencyTotals Of(CurrencySummary s)
    {
        var net = s.GrossMinor - s.RefundedMinor;
        return new CurrencyTotals(s.Currency, s.GrossMinor, s.RefundedMinor, net, s.AttributedMinor, net - s.AttributedMinor, s.Donations);
    }
}

public sealed record SummaryReport(IReadOnlyList<CurrencyTotals> Currencies);
