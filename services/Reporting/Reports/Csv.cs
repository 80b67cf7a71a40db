using System.Globalization;
using Donations.Contracts.Money;
using Donations.Reporting.Tables;

namespace Donations.Reporting.Reports;

/// <summary>A report's table, downloaded as CSV or, with <c>?format=xlsx</c>, as a workbook (<see cref="TableFile"/>); money in major units with the currency's decimals.</summary>
public static class Csv
{
    public static IResult File(string name, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows) => new TableFile(name, headers, rows.ToList());

    public static string Major(long minor, string currency)
    {
        var digits = Currencies.DigitsOf(currency);
        return (minor / (decimal)Math.Pow(10, digits)).ToString("F" + digits, CultureInfo.InvariantCulture);
    }

    public static string Number(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "";
}
