using System.IO.Compression;
using System.Text;
using Donations.Reporting.Tables;
using MiniExcelLibs;

namespace Donations.UnitTests.Tables;

public class TableFileTests
{
    private static readonly string[] Headers = ["post_id", "name", "currency", "attributed", "donations", "conversion", "day", "occurred_at", "note"];

    private static TableFile Sample() => new("posts", Headers,
    [
        ["wall-1_2", "Тёплые куртки", "RUB", "1500.50", "3", "0.3333", "2026-11-20", "2026-11-20T09:30:00.0000000+00:00", "=HYPERLINK(\"http://evil\")"],
        ["0042", "Зима, «дом»", "JPY", "-1200", "0", "0.5", "2026-11-21", "2026-11-21T00:00:00.0000000+03:00", "@SUM(A1)"],
    ]);

    [Fact]
    public void Xlsx_has_number_cells_with_the_currency_decimals_date_cells_and_text_as_text()
    {
        var bytes = Sample().Xlsx();
        var rows = new MemoryStream(bytes).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();

        Assert.Equal(2, rows.Count);
        Assert.Equal("Тёплые куртки", rows[0]["name"]);
        Assert.Equal("Зима, «дом»", rows[1]["name"]);
        Assert.Equal(1500.50, Convert.ToDouble(rows[0]["attributed"]));
        Assert.Equal(-1200.0, Convert.ToDouble(rows[1]["attributed"]));
        Assert.Equal(3.0, Convert.ToDouble(rows[0]["donations"]));
        Assert.Equal(new DateTime(2026, 11, 20), Assert.IsType<DateTime>(rows[0]["day"]));
        Assert.Equal(new DateTime(2026, 11, 20, 21, 0, 0), Assert.IsType<DateTime>(rows[1]["occurred_at"]));
        // Ids stay text even when they look like numbers, and a formula-looking value is text, never a formula.
        Assert.Equal("0042", rows[1]["post_id"]);
        Assert.Equal("=HYPERLINK(\"http://evil\")", rows[0]["note"]);

        using var zip = new ZipArchive(new MemoryStream(bytes));
        var sheet = Read(zip, "xl/worksheets/sheet1.xml");
        Assert.DoesNotContain("<x:f>", sheet);
        Assert.Contains("<x:c r=\"D2\" s=", sheet); // a number cell: no t="str"
        Assert.DoesNotContain("<f>", sheet);
        // The amounts' column is formatted with two decimals, the days' as dates.
        var styles = Read(zip, "xl/styles.xml");
        Assert.Contains("formatCode=\"0.00\"", styles);
        Assert.Contains("formatCode=\"yyyy-mm-dd\"", styles);
    }

    [Fact]
    public void Csv_escapes_cells_a_spreadsheet_would_run_as_formulas_but_keeps_negative_numbers()
    {
        var csv = Encoding.UTF8.GetString(Sample().Csv());
        Assert.StartsWith("\uFEFF", csv);
        var lines = csv.TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal(string.Join(',', Headers), lines[0]);
        Assert.EndsWith(",\"'=HYPERLINK(\"\"http://evil\"\")\"", lines[1]);
        Assert.EndsWith(",'@SUM(A1)", lines[2]);
        Assert.Contains(",-1200,", lines[2]);
        Assert.Contains("\"Зима, «дом»\"", lines[2]);
        foreach (var dangerous in new[] { "=1+1", "+1+1", "-1+1", "@A1", "\tx" }) Assert.Equal("'" + dangerous, TableFile.Inert(dangerous));
        foreach (var safe in new[] { "-12.50", "12", "wall-1_2", "" }) Assert.Equal(safe, TableFile.Inert(safe));
    }

    private static string Read(ZipArchive zip, string path)
    {
        using var reader = new StreamReader(zip.GetEntry(path)!.Open());
        return reader.ReadToEnd();
    }
}
