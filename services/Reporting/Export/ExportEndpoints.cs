using System.Data;
using System.Text;
using Donations.Reporting.Catalog;
using Donations.Reporting.Donations;
using Donations.Reporting.Tables;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Marten;
using Npgsql;

namespace Donations.Reporting.Export;

/// <summary>
/// Every donation, click or ledger revision of an NGO, for BI tools: streamed from PostgreSQL row by row as NDJSON (the
/// default) or CSV, so memory stays the same whatever the count. Rows come in the order of their <c>cursor</c> (the
/// row's id); a download that breaks off is resumed with <c>after=&lt;the last cursor received&gt;</c>, and <c>limit</c>
/// pages it. A donation whose decision changed since is exported as it stands now.
/// </summary>
public static class ExportEndpoints
{
    public const long MaxLimit = 100_000_000;
    private const int FlushEveryRows = 1000;

    public static void MapExport(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/ngos/{ngo}/export/{kind}", Export).RequireNgoKey(NgoRoles.Viewer).WithTags("Export")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson").Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithSummary("Streams every donation, click or revision of the NGO as NDJSON or CSV, in cursor order; resume with after=<last cursor>.");

    private static IResult Export(string ngo, string kind, string? format, string? after, string? limit, IDocumentStore store)
    {
        if (ExportKinds.Find(kind) is not { } export)
            return Problems.NotFound($"There is no export '{kind}'; use {string.Join(", ", ExportKinds.All.Select(k => k.Name))}.");
        if (format is not (null or "ndjson" or "csv"))
            return Problems.BadRequest("'format' is 'ndjson' (the default) or 'csv': an export may pass a workbook's million rows, so reports' tables are the ones that download as xlsx.");
        if (after is not null && !export.IsCursor(after)) return Problems.BadRequest($"'after' must be a cursor from an earlier row of this export: {export.CursorForm}.");
        long? rows = null;
        if (limit is not null)
        {
            if (!long.TryParse(limit, out var n) || n < 1 || n > MaxLimit) return Problems.BadRequest($"'limit' is a whole number of rows from 1 to {MaxLimit}.");
            rows = n;
        }
        var csv = format == "csv";
        return Results.Stream(body => WriteAsync(body, store, export, ngo, after, rows, csv),
            csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8", csv ? $"{export.Name}.csv" : null);
    }

    private static async Task WriteAsync(Stream body, IDocumentStore store, ExportKind export, string ngo, string? after, long? limit, bool csv)
    {
        var table = store.Options.Schema.For(export.Document, true);
        var select = csv ? string.Join(", ", export.Fields.Select(f => $"({f.CsvSql ?? f.Sql})::text")) : $"jsonb_build_object({string.Join(", ", export.Fields.Select(f => $"'{f.Name}', {f.Sql}"))})::text";
        var sql = $"select {select} from {table} t where {export.Ngo} = @ngo{(after is null ? "" : " and t.id > @after")} order by t.id{(limit is null ? "" : " limit @limit")}";

        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        // However long the download takes: the rows stream for as long as the client reads them.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("ngo", ngo);
        if (after is not null) command.Parameters.AddWithValue("after", export.CursorValue(after));
        if (limit is not null) command.Parameters.AddWithValue("limit", limit.Value);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess);

        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: csv), bufferSize: 64 * 1024);
        var line = new StringBuilder();
        if (csv) await writer.WriteAsync(Csv(line, export.Fields.Select(f => f.Name).ToArray()));
        var fields = new string?[export.Fields.Count];
        for (var row = 1; await reader.ReadAsync(); row++)
        {
            if (csv)
            {
                for (var i = 0; i < fields.Length; i++) fields[i] = await reader.IsDBNullAsync(i) ? null : reader.GetString(i);
                await writer.WriteAsync(Csv(line, fields));
            }
            else
            {
                await writer.WriteAsync(reader.GetString(0));
                await writer.WriteAsync('\n');
            }
            if (row % FlushEveryRows == 0) await writer.FlushAsync();
        }
    }

    /// <summary>One RFC 4180 line, formula-safe, in <paramref name="line"/> (reused: a row costs no new buffer).</summary>
    private static StringBuilder Csv(StringBuilder line, IReadOnlyList<string?> fields) => TableFile.CsvLine(line.Clear(), fields);
}

/// <summary>
/// A field of an export: its name (the JSON key and the CSV column) and its SQL over the document row <c>t</c>; in CSV,
/// a JSON value is its text (a time without quotes, credits as JSON).
/// </summary>
public sealed record ExportField(string Name, string Sql, string? CsvSql = null);

public sealed record ExportKind(string Name, Type Document, string Ngo, IReadOnlyList<ExportField> Fields, bool GuidIds)
{
    public string CursorForm => GuidIds ? "a UUID" : "a donation id and revision, 'uuid/n'";

    public bool IsCursor(string cursor) => GuidIds ? Guid.TryParse(cursor, out _) : cursor.Length <= 80 && cursor.Split('/') is [var id, var n] && Guid.TryParse(id, out _) && int.TryParse(n, out _);

    public object CursorValue(string cursor) => GuidIds ? Guid.Parse(cursor) : cursor;
}

public static class ExportKinds
{
    private static ExportField Text(string name, string json) => new(name, $"t.data #>> '{{{json}}}'");
    private static ExportField Json(string name, string json) => new(name, $"t.data #> '{{{json}}}'", $"t.data #>> '{{{json}}}'");
    private static ExportField Long(string name, string json) => new(name, $"(t.data #>> '{{{json}}}')::bigint");

    public static readonly ExportKind Donations = new("donations", typeof(DonationView), "t.ngo_id",
    [
        new("cursor", "t.id::text"), new("donationId", "t.id"), new("provider", "t.provider"), Text("providerTxId", "providerTxId"),
        Json("occurredAt", "latest,occurredAt"), new("currency", "t.currency"), new("amountMinor", "t.amount_minor"), new("refundedMinor", "t.refunded_minor"),
        new("feeMinor", "t.fee_minor"), new("attributedMinor", "t.attributed_minor"), new("status", "t.status"), new("reason", "t.reason"),
        Text("rule", "latest,rule"), Text("model", "latest,model"), Long("lookbackDays", "latest,lookbackDays"), Long("revision", "latest,revision"),
        Json("decidedAt", "latest,decidedAt"), new("donorId", "t.donor_id"), Text("subscriptionId", "latest,subscriptionId"), Json("credits", "latest,credits"),
    ], GuidIds: true);

    public static readonly ExportKind Revisions = new("revisions", typeof(LedgerEntry), "t.data ->> 'ngoId'",
    [
        new("cursor", "t.id"), Text("donationId", "donationId"), Long("revision", "revision"), Text("cause", "decision,cause"), Json("decidedAt", "decidedAt"),
        Text("provider", "decision,provider"), Text("providerTxId", "decision,providerTxId"), Json("occurredAt", "decision,occurredAt"), Text("currency", "currency"),
        Long("amountMinor", "amountMinor"), Long("refundedMinor", "refundedMinor"), Long("attributedMinor", "attributedMinor"), Text("status", "decision,status"),
        Text("reason", "decision,reason"), Text("rule", "decision,rule"), Text("model", "decision,model"), Long("lookbackDays", "decision,lookbackDays"),
        Long("settingsVersion", "decision,settingsVersion"), Json("credits", "decision,credits"),
    ], GuidIds: false);

    public static readonly ExportKind Clicks = new("clicks", typeof(ClickFact), "t.data ->> 'ngoId'",
    [
        new("cursor", "t.id::text"), new("clickId", "t.id"), Text("postId", "postId"), Text("campaignId", "campaignId"), Json("isBot", "isBot"),
        Json("clickedAt", "clickedAt"), Text("visitorId", "visitorId"),
    ], GuidIds: true);

    public static readonly IReadOnlyList<ExportKind> All = [Donations, Clicks, Revisions];

    public static ExportKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);
}
