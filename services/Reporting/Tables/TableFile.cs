using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;

namespace Donations.Reporting.Tables;

/// <summary>
/// A report's table as it downloads: the same headers and rows become CSV (RFC 4180, UTF-8 with a byte-order mark, cells
/// that a spreadsheet would run as a formula made inert) or an Excel workbook (<c>?format=xlsx</c>) whose amounts are
/// number cells with the currency's decimals and whose dates are date cells. The format is the request's, so every report
/// that writes a table gets both.
/// </summary>
public sealed partial class TableFile(string name, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string?>> rows) : IResult
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public string Name { get; } = name;
    public IReadOnlyList<string> Headers { get; } = headers;
    public IReadOnlyList<IReadOnlyList<string?>> Rows { get; } = rows;

    public static bool IsXlsx(HttpRequest request) => string.Equals(request.Query["format"], "xlsx", StringComparison.OrdinalIgnoreCase);

    public async Task ExecuteAsync(HttpContext http)
    {
        var xlsx = IsXlsx(http.Request);
        var bytes = xlsx ? Xlsx() : Csv();
        http.Response.ContentType = xlsx ? XlsxContentType : "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{Name}.{(xlsx ? "xlsx" : "csv")}\"";
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes);
    }

    public byte[] Csv()
    {
        var text = new StringBuilder();
        CsvLine(text, Headers);
        foreach (var row in Rows) CsvLine(text, row);
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    /// <summary>One RFC 4180 line into <paramref name="text"/>; shared with the streamed export.</summary>
    public static StringBuilder CsvLine(StringBuilder text, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) text.Append(',');
            var field = Inert(fields[i] ?? "");
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0) text.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
            else text.Append(field);
        }
        return text.Append("\r\n");
    }

    /// <summary>
    /// A cell a spreadsheet would read as a formula (it begins with = + - @, a tab or a carriage return) gets a leading
    /// apostrophe, as OWASP advises; a plain number such as -12.50 is not a formula and stays a number.
    /// </summary>
    public static string Inert(string field) =>
        field.Length > 0 && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !PlainNumber().IsMatch(field) ? "'" + field : field;

    public byte[] Xlsx()
    {
        var kinds = Enumerable.Range(0, Headers.Count).Select(ColumnKind).ToArray();
        var configuration = new OpenXmlConfiguration
        {
            // Excel shows ids, names and reasons as text: nothing in a cell is ever run.
            EnableWriteNullValueCell = true,
            DynamicColumns = Headers.Select((h, i) => new DynamicExcelColumn(h) { Format = kinds[i].Format, Width = kinds[i].Width }).ToArray(),
        };
        var sheet = Rows.Select(row =>
        {
            var cells = new Dictionary<string, object?>(Headers.Count);
            for (var i = 0; i < Headers.Count; i++) cells[Headers[i]] = kinds[i].Value(i < row.Count ? row[i] : null);
            return (IDictionary<string, object?>)cells;
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(sheet, sheetName: Name.Length > 31 ? Name[..31] : Name, excelType: ExcelType.XLSX, configuration: configuration);
        return stream.ToArray();
    }

    private sealed record Kind(string? Format, Func<string?, object?> Value, double Width = 14);

    private static readonly Kind Text = new(null, v => v, 18);

    /// <summary>
    /// What a column holds, from its values as reports write them: amounts in major units with the currency's decimals
    /// (<c>1500.00</c>), counts, ratios, calendar days (<c>2026-11-20</c>) and moments (ISO 8601). Ids stay text whatever they look like.
    /// </summary>
    private Kind ColumnKind(int column)
    {
        var header = Headers[column];
        if (header is "id" or "cursor" || header.EndsWith("_id", StringComparison.Ordinal) || header.EndsWith("Id", StringComparison.Ordinal)
            || header.Contains("tx", StringComparison.OrdinalIgnoreCase))
            return Text;
        var values = Rows.Select(r => column < r.Count ? r[column] : null).Where(v => !string.IsNullOrEmpty(v)).ToList();
        if (values.Count == 0) return Text;
        if (values.All(v => PlainNumber().IsMatch(v!)))
        {
            // A column's format is per column: amounts of a currency without minor units (JPY) beside kopecks show the kopecks' decimals.
            var decimals = values.Select(v => v!.IndexOf('.') is var dot and >= 0 ? v!.Length - dot - 1 : 0).Where(d => d > 0).Distinct().ToList();
            var format = decimals switch { [] => "0", [var d] => "0." + new string('0', d), _ => "0.####" };
            return new Kind(format, v => string.IsNullOrEmpty(v) ? null : decimal.Parse(v, CultureInfo.InvariantCulture));
        }
        if (values.All(v => DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
            return new Kind("yyyy-mm-dd", v => string.IsNullOrEmpty(v) ? null : DateOnly.ParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), 12);
        if (values.All(v => v!.Length >= 19 && v[4] == '-' && v[10] == 'T' && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
            return new Kind("yyyy-mm-dd hh:mm:ss", v => string.IsNullOrEmpty(v) ? null : DateTimeOffset.Parse(v, CultureInfo.InvariantCulture).UtcDateTime, 20);
        return Text;
    }

    [GeneratedRegex(@"^-?\d{1,15}(\.\d{1,6})?$")]
    private static partial Regex PlainNumber();
}
