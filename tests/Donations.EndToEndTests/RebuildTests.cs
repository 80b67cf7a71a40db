using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Donations.EndToEndTests;

/// <summary>
/// Reporting's <c>rebuild</c> command: damaged and emptied aggregates come back from the ledger, the comparison names
/// what differed, reports answer throughout and a donation arriving during the rebuild is not lost.
/// </summary>
[Collection(SystemCollection.Name)]
public class RebuildTests(DonationsSystem system)
{
    private sealed record Gift(string Tx, long Amount, string Currency, bool ViaPost, long Refunded = 0);

    [Fact]
    public async Task A_rebuild_from_the_ledger_restores_damaged_and_emptied_aggregates_while_reports_keep_answering()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-9300_1", "rebuild"));
        var gifts = new List<Gift> { new("rb-1", 1000_00, "RUB", true, 300_00), new("rb-2", 250_50, "RUB", false), new("rb-3", 40_00, "EUR", true) };
        foreach (var gift in gifts) await SendAsync(ngo, code, gift);
        Assert.True((await ngo.PostGenericAsync(Scenario.RefundBody("rb-1-refund", "rb-1", 300_00))).IsSuccessStatusCode);
        await ReportsShowAsync(ngo, gifts);

        // A damaged total: the check finds it and changes nothing.
        await system.ExecuteSqlAsync("reporting", $"update rpt_totals set gross = gross + 1 where ctid = (select ctid from rpt_totals where ngo = '{ngo.NgoId}' and dim = '' and currency = 'RUB' limit 1)");
        var (exit, output) = await system.RunCommandAsync(system.Reporting, "rebuild", "--check");
        Assert.True(exit == 0, output);
        var rubGross = gifts.Where(g => g.Currency == "RUB").Sum(g => g.Amount);
        Assert.Contains($"DIFFERENCE ngo={ngo.NgoId} currency=RUB rpt_totals/donation: gross {rubGross + 1} -> {rubGross}", output);
        Assert.Contains("live tables left as they were", output);
        Assert.Equal(rubGross + 1, (await Summary(ngo))["RUB"].Long("grossMinor"));

        var indexes = await IndexesAsync();
        // Emptied day rollup and fact rows as well; rebuilt while reports are read and a donation arrives.
        await system.ExecuteSqlAsync("reporting", $"delete from rpt_days where ngo = '{ngo.NgoId}'; delete from rpt_facts where ngo = '{ngo.NgoId}'; delete from rpt_click_days where ngo = '{ngo.NgoId}'");
        Assert.Empty((await Daily(ngo)).AsArray());
        using var reading = new CancellationTokenSource();
        var answers = ReadWhileAsync(ngo, reading.Token);
        var rebuild = system.RunCommandAsync(system.Reporting, "rebuild");
        var late = new Gift("rb-4", 77_07, "RUB", true);
        gifts.Add(late);
        await SendAsync(ngo, code, late);
        (exit, output) = await rebuild;
        await reading.CancelAsync();
        Assert.True(exit == 0, output);
        Assert.All(await answers, status => Assert.Equal(HttpStatusCode.OK, status));
        // The late donation may be live before the comparison or only after the swap: the damage is the one kopeck.
        var damaged = Regex.Match(output, $@"DIFFERENCE ngo={ngo.NgoId} currency=RUB rpt_totals/donation: gross (\d+) -> (\d+)");
        Assert.True(damaged.Success, output);
        Assert.Equal(1, long.Parse(damaged.Groups[1].Value) - long.Parse(damaged.Groups[2].Value));
        Assert.Contains($"DIFFERENCE ngo={ngo.NgoId} currency=EUR rpt_days/donation: gross 0 -> 4000", output);
        var clicks = Regex.Match(output, $@"DIFFERENCE ngo={ngo.NgoId} currency=- rpt_click_days/post: humans (\d+) -> (\d+)");
        Assert.True(clicks.Success, output);
        Assert.Equal(2, long.Parse(clicks.Groups[2].Value) - long.Parse(clicks.Groups[1].Value)); // the two clicks before the damage
        Assert.Contains("the rebuilt tables are live", output);
        Assert.Equal(indexes, await IndexesAsync()); // the service's schema check finds the tables it made
        await ReportsShowAsync(ngo, gifts);

        // A healthy system: nothing differs.
        (exit, output) = await system.RunCommandAsync(system.Reporting, "rebuild");
        Assert.True(exit == 0, output);
        Assert.DoesNotContain("DIFFERENCE", output);
        Assert.Contains("no differences", output);
        await ReportsShowAsync(ngo, gifts);
    }

    private async Task<string?> IndexesAsync() => (await system.QuerySqlAsync("reporting",
        "select string_agg(tablename || '.' || indexname, ',' order by tablename, indexname) from pg_indexes where schemaname = current_schema() and tablename like 'rpt%'")).Single();

    private static async Task SendAsync(Scenario ngo, string code, Gift gift)
    {
        var click = gift.ViaPost ? await ngo.ClickAsync(code) : null;
        Assert.True((await ngo.PostGenericAsync(Scenario.DonationBody(gift.Tx, gift.Amount, click, gift.Currency))).IsSuccessStatusCode);
        await ngo.DonationAsync(gift.Tx, gift.ViaPost ? "attributed" : null);
    }

    /// <summary>Summary, daily and the post's money equal what the test sent (refunds come off the post's credit).</summary>
    private static async Task ReportsShowAsync(Scenario ngo, IReadOnlyList<Gift> gifts)
    {
        var currencies = gifts.GroupBy(g => g.Currency).ToDictionary(g => g.Key, g => (Gross: g.Sum(x => x.Amount), Refunded: g.Sum(x => x.Refunded),
            Attributed: g.Where(x => x.ViaPost).Sum(x => x.Amount - x.Refunded), Donations: g.Count()));
        string seen = "";
        await Eventually.Async(async () =>
        {
            var summary = await Summary(ngo);
            var daily = (await Daily(ngo)).AsArray().GroupBy(d => d!.Str("currency"))
                .ToDictionary(g => g.Key, g => (Gross: g.Sum(d => d!.Long("grossMinor")), Attributed: g.Sum(d => d!.Long("attributedMinor"))));
            var post = (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/posts"))!.Single(p => p!.Str("postId") == "wall-9300_1")!;
            var postMoney = post["money"]!.AsArray().ToDictionary(m => m!.Str("currency"), m => m!.Long("attributedMinor"));
            seen = $"summary {summary.Count} currencies, daily {daily.Count}, post {postMoney.Count}, {post.Long("clicks")} clicks";
            // One click, by a new visitor, before each gift through the post.
            return post.Long("clicks") == gifts.Count(g => g.ViaPost) && post.Long("people") == gifts.Count(g => g.ViaPost) && currencies.All(c => summary.TryGetValue(c.Key, out var s)
                && (s.Long("grossMinor"), s.Long("refundedMinor"), s.Long("netMinor"), s.Long("attributedMinor"), s.Long("donations"))
                    == (c.Value.Gross, c.Value.Refunded, c.Value.Gross - c.Value.Refunded, c.Value.Attributed, c.Value.Donations)
                && daily.TryGetValue(c.Key, out var d) && d == (c.Value.Gross, c.Value.Attributed)
                && postMoney.GetValueOrDefault(c.Key) == c.Value.Attributed) && summary.Count == currencies.Count;
        }, $"reports equal what was sent ({string.Join(", ", currencies)}); saw {seen}");
    }

    private static async Task<Dictionary<string, JsonNode>> Summary(Scenario ngo) =>
        (await ngo.Reporting.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/reports/summary"))!["currencies"]!.AsArray()
            .ToDictionary(c => c!.Str("currency"), c => c!);

    private static async Task<JsonNode> Daily(Scenario ngo) =>
        (await ngo.Reporting.GetFromJsonAsync<JsonNode>($"/api/ngos/{ngo.NgoId}/reports/daily"))!["days"]!;

    /// <summary>Reads the summary and posts reports over and over until cancelled; every status code seen.</summary>
    private static async Task<List<HttpStatusCode>> ReadWhileAsync(Scenario ngo, CancellationToken ct)
    {
        var statuses = new List<HttpStatusCode>();
        while (!ct.IsCancellationRequested)
            foreach (var report in new[] { "summary", "posts", "daily" })
            {
                try
                {
                    statuses.Add((await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/{report}", CancellationToken.None)).StatusCode);
                }
                catch (HttpRequestException) { statuses.Add(HttpStatusCode.ServiceUnavailable); }
            }
        return statuses;
    }
}
