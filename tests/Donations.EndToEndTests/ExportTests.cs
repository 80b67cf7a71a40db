using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>The events export a BI tool reads: every row once, in cursor order, resumable, NDJSON or CSV, one NGO's only.</summary>
[Collection(SystemCollection.Name)]
public class ExportTests(DonationsSystem system)
{
    private static readonly (string Tx, long Amount)[] Gifts = [("exp-1", 100_00), ("exp-2", 250_50), ("exp-3", 75_00), ("exp-4", 1_000_00), ("exp-5", 5_01)];

    private static async Task<Scenario> NgoWithHistoryAsync(DonationsSystem system)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-8800_1", "export"));
        for (var i = 0; i < 3; i++) await ngo.ClickAsync(code);
        foreach (var (tx, amount) in Gifts) Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody(tx, amount))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.RefundBody("exp-2-refund", "exp-2", 50_50))).StatusCode);
        foreach (var (tx, _) in Gifts) await ngo.DonationAsync(tx);
        await ngo.DonationWhenAsync("exp-2", d => d.Long("refundedMinor") == 50_50);
        await Eventually.Async(async () => (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/posts"))!.Single()!.Long("clicks") == 3,
            "the clicks reach Reporting");
        return ngo;
    }

    private static async Task<List<JsonObject>> NdjsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    [Fact]
    public async Task Donations_come_once_each_in_cursor_order_and_a_download_resumes_after_its_last_cursor()
    {
        var ngo = await NgoWithHistoryAsync(system);
        var url = $"/api/ngos/{ngo.NgoId}/export/donations";
        var all = await NdjsonAsync(ngo.Reporting, url);

        Assert.Equal(Gifts.OrderBy(g => g.Tx), all.Select(d => (d.Str("providerTxId"), d.Long("amountMinor"))).OrderBy(g => g.Item1));
        Assert.Equal(50_50, all.Single(d => d.Str("providerTxId") == "exp-2").Long("refundedMinor"));
        Assert.All(all, d => Assert.Equal(("RUB", "unattributed", "no click id"), (d.Str("currency"), d.Str("status"), d.Str("reason"))));
        var cursors = all.Select(d => d.Str("cursor")).ToList();
        Assert.Equal(cursors.Order(StringComparer.Ordinal), cursors);

        var first = await NdjsonAsync(ngo.Reporting, $"{url}?limit=2");
        Assert.Equal(cursors.Take(2), first.Select(d => d.Str("cursor")));
        var rest = await NdjsonAsync(ngo.Reporting, $"{url}?after={first[^1].Str("cursor")}");
        Assert.Equal(cursors.Skip(2), rest.Select(d => d.Str("cursor")));
    }

    [Fact]
    public async Task Revisions_and_clicks_are_exported_and_csv_has_a_header_and_one_line_per_row()
    {
        var ngo = await NgoWithHistoryAsync(system);
        // A refund that reaches Attribution before its payment is netted in the first revision, so the count is read from
        // each donation's latest revision; revisions travel apart and in any order, so the export is read until all are in.
        var latest = new Dictionary<string, long>();
        foreach (var (gift, _) in Gifts) latest[gift] = (await ngo.DonationAsync(gift)).Revision();
        var revisions = new List<JsonObject>();
        await Eventually.Async(async () => (revisions = await NdjsonAsync(ngo.Reporting, $"/api/ngos/{ngo.NgoId}/export/revisions")).Count == latest.Values.Sum(),
            "every revision reaches Reporting");
        foreach (var (gift, revision) in latest)
            Assert.Equal(Enumerable.Range(1, (int)revision).Select(r => (long)r),
                revisions.Where(r => r.Str("providerTxId") == gift).Select(r => r.Long("revision")).Order());
        var refunded = revisions.Where(r => r.Str("providerTxId") == "exp-2").MaxBy(r => r.Long("revision"))!;
        Assert.Equal((250_50L, 50_50L), (refunded.Long("amountMinor"), refunded.Long("refundedMinor")));

        var clicks = await NdjsonAsync(ngo.Reporting, $"/api/ngos/{ngo.NgoId}/export/clicks");
        Assert.Equal(3, clicks.Count);
        Assert.All(clicks, c => Assert.Equal(("wall-8800_1", false), (c.Str("postId"), c["isBot"]!.GetValue<bool>())));

        var csv = await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/export/donations?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(Gifts.Length + 1, lines.Length);
        var (tx, amount) = (Array.IndexOf(header, "providerTxId"), Array.IndexOf(header, "amountMinor"));
        Assert.Equal(Gifts.OrderBy(g => g.Tx).Select(g => (g.Tx, g.Amount.ToString())),
            lines.Skip(1).Select(l => l.Split(',')).Select(f => (f[tx], f[amount])).OrderBy(g => g.Item1));
    }

    [Fact]
    public async Task An_export_shows_only_its_own_ngo_and_bad_parameters_are_problems()
    {
        var ngo = await NgoWithHistoryAsync(system);
        var other = await Scenario.NewNgoAsync(system);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/export/donations")).StatusCode);
        Assert.Empty(await NdjsonAsync(other.Reporting, $"/api/ngos/{other.NgoId}/export/donations"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await system.Client(system.Reporting).GetAsync($"/api/ngos/{ngo.NgoId}/export/clicks")).StatusCode);

        foreach (var (query, status, field) in new[]
                 {
                     ("export/payments", HttpStatusCode.NotFound, "payments"), ("export/donations?format=xml", HttpStatusCode.BadRequest, "'format'"),
                     ("export/donations?after=yesterday", HttpStatusCode.BadRequest, "'after'"), ("export/clicks?limit=0", HttpStatusCode.BadRequest, "'limit'"),
                     ("export/revisions?after=abc", HttpStatusCode.BadRequest, "'after'"),
                 })
        {
            var response = await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/{query}");
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(field, (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail"));
        }
    }
}

/// <summary>What integrators read first: the OpenAPI documents list the protocol routes.</summary>
[Collection(SystemCollection.Name)]
public class ProtocolsOpenApiTests(DonationsSystem system)
{
    [Fact]
    public async Task The_openapi_documents_show_the_export_the_webhook_endpoints_and_both_webhook_schemes()
    {
        var reporting = (await system.Client(system.Reporting).GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!["paths"]!.AsObject();
        Assert.Contains("/api/ngos/{ngo}/export/{kind}", reporting.Select(p => p.Key));
        foreach (var path in new[] { "/api/ngos/{ngo}/webhook-endpoints", "/api/ngos/{ngo}/webhook-endpoints/{id}/deliveries", "/api/ngos/{ngo}/webhook-endpoints/{id}/deliveries/{deliveryId}/replay" })
            Assert.Contains(path, reporting.Select(p => p.Key));
        Assert.Contains("secret", reporting["/api/ngos/{ngo}/webhook-endpoints"]!["post"]!.ToJsonString());

        var ingestion = (await system.Client(system.Ingestion).GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!["paths"]!.AsObject();
        Assert.Contains("webhook-signature", ingestion["/webhooks/generic/{ngo}"]!.ToJsonString());
        Assert.Contains("confirm, cancel", ingestion["/webhooks/cloudpayments/{ngo}/{kind}"]!.ToJsonString());
    }
}
