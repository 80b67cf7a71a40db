using System.Globalization;
using System.Text;
using Donations.Contracts.Money;

namespace Donations.Reporting.Reports;

/// <summary>RFC 4180 CSV in UTF-8 with a byte-order mark, so Excel opens Cyrillic; money in major units with the currency's decimals.</summary>
public static class Csv
{
    public static IResult File(string name, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var text = new StringBuilder();
        Line(text, headers);
        foreach (var row in rows) Line(text, row);
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"{name}.csv");
    }

    public static string Major(long minor, string currency)
    {
        var digits = Currencies.DigitsOf(currency);
        return (minor / (decimal)Math.Pow(10, digits)).ToString("F" + digits, CultureInfo.InvariantCulture);
    }

    public static string Number(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "";

    private static void Line(StringBuilder text, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) text.Append(',');
            var field = fields[i] ?? "";
            text.Append(field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"")}\"" : field);
        }
        text.Append("\r\n");
    }
}
