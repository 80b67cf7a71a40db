using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;
using Donations.Contracts.Money;

namespace Donations.EndToEndTests;

/// <summary>
/// Random ledgers published straight into the running system's broker — several currencies and providers, refunds
/// already in a first revision (a refund before its payment) and in later ones, re-attributions and model changes,
/// duplicates and any order — and every report, for random periods, zones and asOf moments, against a brute force
/// over the same revisions written here, independently of Reporting.
/// </summary>
[Collection(SystemCollection.Name)]
public class ReportPropertyTests(DonationsSystem system)
{
    private const int Histories = 30, QueriesPerHistory = 3;
    private static readonly string[] Currencies = ["RUB", "EUR", "JPY"], Providers = ["generic", "cloudpayments"], Zones = ["Europe/Moscow", "UTC", "Asia/Yekaterinburg"];
    private static readonly (string Post, string Campaign, string? Fundraiser)[] Posts = [("wall-7_1", "c1", null), ("wall-7_2", "c1", "f1"), ("wall-7_3", "c2", null)];
    private static readonly string[] Reasons = ["no click id", "unknown click id", "outside window"];

    [Fact]
    public async Task Every_report_from_the_aggregates_equals_a_brute_force_over_the_same_revisions()
    {
        var seeds = Enumerable.Range(0, Histories).Select(i => 1000 + i).ToList();
        // A few histories at a time: each is its own NGO.
        foreach (var chunk in seeds.Chunk(2)) await Task.WhenAll(chunk.Select(HistoryAsync));
    }

    private async Task HistoryAsync(int seed)
    {
        var random = new Random(seed);
        var ngo = await Scenario.NewNgoAsync(system);
        var now = DateTimeOffset.UtcNow;
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        // Odd histories straddle the start of this month, so an asOf reads whole months recorded before its own, then days.
        var start = (seed % 2 == 1 && now - month > TimeSpan.FromDays(4) ? month.AddDays(-2) : now.AddDays(-4)).AddMinutes(-random.Next(24 * 60));
        var deadline = start.AddHours(random.Next(12, 120));
        Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns", new { id = "c1", name = "c1", startsAt = start.AddDays(-1) })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns", new { id = "c2", name = "c2", startsAt = start.AddDays(-1) })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers", new
        {
            id = "f1", campaignId = "c1", title = "f1", goal = new { amountMinor = 1_000_000, currency = "RUB" }, deadline,
        })).StatusCode);
        foreach (var (post, campaign, fundraiser) in Posts)
            Assert.Equal(HttpStatusCode.Created, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/posts", new { id = post, campaignId = campaign, fundraiserId = fundraiser, publishedAt = start.AddDays(-1) })).StatusCode);
        // The community's verification changes once, now: donations fall on both sides of it.
        Assert.Equal(HttpStatusCode.OK, (await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/verification", new { verified = false })).StatusCode);

        var revisions = Generate(random, ngo.NgoId, start);
        var messages = revisions.Select(r => (Message: r, Id: Guid.NewGuid())).ToList();
        foreach (var m in messages.ToList())
            if (random.Next(4) == 0) messages.Add(random.Next(2) == 0 ? m : (m.Message, Guid.NewGuid())); // redelivered, or forwarded twice
        foreach (var (message, id) in messages.OrderBy(_ => random.Next())) await system.PublishAsync(message, id);
        // Clicks on the posts, some redelivered (same message id) or sent twice (a new one): each counts once.
        var clicks = GenerateClicks(random, ngo.NgoId, start);
        var clickMessages = clicks.Select(c => (Message: c, Id: Guid.NewGuid())).ToList();
        foreach (var m in clickMessages.ToList())
            if (random.Next(4) == 0) clickMessages.Add(random.Next(2) == 0 ? m : (m.Message, Guid.NewGuid()));
        foreach (var (click, id) in clickMessages.OrderBy(_ => random.Next())) await system.PublishAsync(click, id);

        // Every revision reached Reporting (a late old one changes only the past), and the catalog did.
        var seen = "";
        for (var deadline60 = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            var stored = (await Read(ngo, $"/api/ngos/{ngo.NgoId}/export/revisions")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            var posts = JsonNode.Parse(await Read(ngo, $"/api/ngos/{ngo.NgoId}/reports/posts"))!.AsArray().Count;
            // A line per period and currency: both the registered status and the change must be there.
            var periods = JsonNode.Parse(await Read(ngo, $"/api/ngos/{ngo.NgoId}/reports/verification"))!.AsArray().Select(p => p!["verified"]!.GetValue<bool>()).Distinct().Count();
            var fundraisers = JsonNode.Parse(await Read(ngo, $"/api/ngos/{ngo.NgoId}/reports/fundraisers"))!.AsArray().Count;
            var clicked = JsonNode.Parse(await Read(ngo, $"/api/ngos/{ngo.NgoId}/reports/posts"))!.AsArray().Sum(p => p!.Long("clicks") + p!.Long("botClicks"));
            seen = $"{stored}/{revisions.Count} revisions, {posts} posts, {periods} periods, {fundraisers} fundraisers, {clicked}/{clicks.Count} clicks";
            if (stored == revisions.Count && posts == Posts.Length && periods == 2 && fundraisers == 1 && clicked == clicks.Count) break;
            Assert.True(DateTime.UtcNow < deadline60, $"history {seed} reaches Reporting: {seen}");
        }
        var change = DateTimeOffset.Parse(JsonNode.Parse(await Read(ngo, $"/api/ngos/{ngo.NgoId}/reports/verification"))!.AsArray()
            .First(p => !p!["verified"]!.GetValue<bool>())!.Str("from"), CultureInfo.InvariantCulture);

        var moments = revisions.Select(r => r.DecidedAt).Order().ToList();
        for (var q = 0; q < QueriesPerHistory + 1; q++)
            await QueryAsync(q == 0 ? Zones[0] : Zones[random.Next(Zones.Length)], q > 0);

        // Some NGOs then choose another zone: once their rollups have moved, the reports in it read the moved rollups.
        if (seed % 3 != 0) return;
        var chosen = Zones[1 + seed % 2];
        Assert.Equal(HttpStatusCode.OK, (await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/time-zone", new { timeZone = chosen })).StatusCode);
        await Eventually.Async(async () => (await system.QuerySqlAsync("reporting", "select fact_zone from rpt_ngo_zones where ngo = $1", ngo.NgoId)).SingleOrDefault() == chosen,
            $"history {seed}'s rollups move to {chosen}");
        for (var q = 0; q < QueriesPerHistory + 1; q++) await QueryAsync(chosen, true, asOfToo: q % 2 == 0);

        async Task QueryAsync(string zone, bool filtered, bool asOfToo = true)
        {
            DateOnly? from = filtered && random.Next(2) == 0 ? DateOnly.FromDateTime(start.AddDays(random.Next(-1, 5)).UtcDateTime) : null;
            DateOnly? to = filtered && random.Next(2) == 0 ? (from ?? DateOnly.FromDateTime(start.UtcDateTime)).AddDays(random.Next(0, 5)) : null;
            DateTimeOffset? asOf = filtered && asOfToo && random.Next(3) > 0
                ? random.Next(3) == 0 ? moments[random.Next(moments.Count)] : moments[0].AddMinutes(random.NextDouble() * (moments[^1] - moments[0]).TotalMinutes)
                : null;
            var query = new BruteQuery(zone, from, to, asOf);
            await CompareAsync(ngo, seed, query, new Brute(revisions, query, deadline, change, clicks));
        }
    }

    /// <summary>Donations of one history: each a few revisions, decided in order, with the same payment facts.</summary>
    private static List<DonationAttributed> Generate(Random random, string ngo, DateTimeOffset start)
    {
        var all = new List<DonationAttributed>();
        var donations = random.Next(4, 10);
        for (var i = 0; i < donations; i++)
        {
            var id = Guid.NewGuid();
            var currency = Currencies[random.Next(Currencies.Length)];
            var provider = Providers[random.Next(Providers.Length)];
            var amount = random.Next(1, 100_000);
            var occurred = start.AddMinutes(random.Next(6 * 24 * 60));
            var fee = random.Next(3) == 0 ? (long?)random.Next(0, amount / 10 + 1) : null;
            var donor = $"donor-{random.Next(4)}";
            var decided = occurred.AddMinutes(random.Next(0, 3 * 24 * 60));
            long refunded = random.Next(5) == 0 ? random.Next(0, amount + 1) : 0; // a refund that came before the payment
            var count = random.Next(1, 5);
            for (var revision = 1; revision <= count; revision++)
            {
                if (revision > 1)
                {
                    decided = decided.AddMinutes(random.Next(1, 2 * 24 * 60));
                    if (random.Next(2) == 0) refunded = Math.Min(amount, refunded + random.Next(0, amount / 2 + 1));
                }
                var (status, reason, credits) = Credits(random, amount - refunded, currency);
                all.Add(new DonationAttributed(ngo, id, revision, revision == 1 ? Causes.Received : Causes.SettingsChanged, provider, $"tx-{id:N}", amount, refunded,
                    currency, occurred, null, status, status == AttributionStatus.Attributed ? "click-id" : "none", reason, random.Next(2) == 0 ? "linear" : "last-click",
                    30, revision, credits, decided, fee, donor));
            }
        }
        return all;
    }

    /// <summary>Clicks on the history's posts over its days: people from a small pool (so one clicks twice), bots, clicks from VK ads.</summary>
    private static List<ClickRecorded> GenerateClicks(Random random, string ngo, DateTimeOffset start) =>
        Enumerable.Range(0, random.Next(5, 30)).Select(_ =>
        {
            var post = Posts[random.Next(Posts.Length)];
            var at = DateTimeOffset.FromUnixTimeSeconds(start.AddMinutes(random.Next(6 * 24 * 60)).ToUnixTimeSeconds());
            return new ClickRecorded(ngo, Guid.NewGuid(), "link", post.Post, post.Campaign, post.Fundraiser, $"visitor-{random.Next(5)}", random.Next(5) == 0, at,
                VkAdsClickId: random.Next(4) == 0 ? $"rb-{random.Next(1000)}" : null);
        }).ToList();

    private static (string Status, string? Reason, IReadOnlyList<Credit> Credits) Credits(Random random, long net, string currency)
    {
        switch (random.Next(4))
        {
            case 0:
                return (AttributionStatus.Unattributed, Reasons[random.Next(Reasons.Length)], []);
            case 1: // rule 4: the fundraiser, no post, no campaign
                return (AttributionStatus.Attributed, null, [new Credit(null, null, "f1", null, 1m, net)]);
            default:
                var touched = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Posts[random.Next(Posts.Length)]).ToList(); // a post may be touched twice
                var shares = touched.Select(_ => 1m / touched.Count).ToList();
                var amounts = Split.LargestRemainder(net, shares);
                return (AttributionStatus.Attributed, null, touched.Select((p, k) => new Credit(p.Post, p.Campaign, p.Fundraiser, Guid.NewGuid(), shares[k], amounts[k])).ToList());
        }
    }

    private async Task CompareAsync(Scenario ngo, int seed, BruteQuery q, Brute brute)
    {
        var parameters = string.Join("&", new[]
        {
            q.From is { } f ? $"from={f:yyyy-MM-dd}" : null, q.To is { } t ? $"to={t:yyyy-MM-dd}" : null,
            q.AsOf is { } a ? $"asOf={Uri.EscapeDataString(a.ToString("O"))}" : null, q.Zone == Zones[0] ? null : $"timeZone={Uri.EscapeDataString(q.Zone)}",
        }.OfType<string>());
        async Task<JsonNode> Get(string report) =>
            JsonNode.Parse(await Read(ngo, $"/api/ngos/{ngo.NgoId}/reports/{report}{(report.Contains('?') ? "&" : "?")}{parameters}"))!;
        var what = $"history {seed}, {parameters}";

        var summary = await Get("summary");
        Same(brute.Summary(), (summary["currencies"]!.AsArray().Select(x => x!).Select(c =>
            $"{c.Str("currency")} {c.Long("grossMinor")} {c.Long("refundedMinor")} {c.Long("feeMinor")} {c.Long("attributedMinor")} {c.Long("donations")}")), $"summary, {what}");
        Same(brute.Reasons(), (summary["unattributed"]!.AsArray().Select(x => x!).Select(r => $"{r.Str("currency")} {r.Str("reason")} {r.Long("netMinor")} {r.Long("donations")}")),
            $"unattributed, {what}");

        var daily = await Get("daily?by=post");
        Same(brute.Days(), (daily["days"]!.AsArray().Select(x => x!).Select(d =>
            $"{d.Str("day")} {d.Str("currency")} {d.Long("grossMinor")} {d.Long("refundedMinor")} {d.Long("attributedMinor")} {d.Long("donations")}")), $"daily, {what}");
        Same(brute.DaysByPost(), (daily["byKey"]!.AsArray().Select(x => x!).Select(d => $"{d.Str("day")} {d.Str("key")} {d.Str("currency")} {d.Long("attributedMinor")}")),
            $"daily by post, {what}");
        var byCampaign = await Get("daily?by=campaign");
        Same(brute.DaysByCampaign(), (byCampaign["byKey"]!.AsArray().Select(x => x!).Select(d => $"{d.Str("day")} {d.Str("key")} {d.Str("currency")} {d.Long("attributedMinor")}")),
            $"daily by campaign, {what}");

        var posts = (await Get("posts")).AsArray().Select(x => x!).OrderBy(p => p.Str("postId"), StringComparer.Ordinal).ToList();
        Same(brute.Clicks(), posts.Select(p => $"{p.Str("postId")} {p.Long("clicks")} {p.Long("botClicks")} {p.Long("people")} {p.Long("paidClicks")}"), $"post clicks, {what}");
        var funnel = (await Get("funnel"))["posts"]!.AsArray().Select(x => x!).OrderBy(p => p.Str("postId"), StringComparer.Ordinal);
        Same(brute.Clicks(paid: false), funnel.Select(p => $"{p.Str("postId")} {p.Long("clicks")} {p.Long("botClicks")} {p.Long("people")}"), $"funnel clicks, {what}");
        Same(brute.Posts(), (posts.Select(p => $"{p.Str("postId")} {p.Long("donations")} {p.Long("donors")} " +
            string.Join(" ", p["money"]!.AsArray().Select(x => x!).Select(m => $"{m.Str("currency")}:{m.Long("attributedMinor")}:{m.Long("donations")}")))), $"posts, {what}");
        var campaigns = (await Get("campaigns")).AsArray().Select(x => x!).OrderBy(c => c.Str("campaignId"), StringComparer.Ordinal);
        Same(brute.Campaigns(), (campaigns.Select(c => $"{c.Str("campaignId")} " +
            string.Join(" ", c["money"]!.AsArray().Select(x => x!).Select(m => $"{m.Str("currency")}:{m.Long("attributedMinor")}:{m.Long("donations")}")))), $"campaigns, {what}");

        var payouts = (await Get("payouts")).AsArray().Select(x => x!);
        Same(brute.Payouts(), (payouts.Select(p =>
            $"{p.Str("provider")} {p.Str("currency")} {p.Long("grossMinor")} {p.Long("refundedMinor")} {p.Long("feeMinor")} {p.Long("donations")}")), $"payouts, {what}");

        var fundraiser = await Get("fundraisers/f1");
        Assert.Equal(brute.Fundraiser(), $"{fundraiser.Long("raisedMinor")} {fundraiser.Long("donations")} {fundraiser.Long("donors")}");

        var verification = (await Get("verification")).AsArray().Select(x => x!);
        Same(brute.Verification(), (verification.Select(v => $"{v!["verified"]!.GetValue<bool>()} {v.Str("currency")} {v.Long("attributedToPostsMinor")} " +
            $"{v.Long("postsCredited")} {v.Long("donations")}")), $"verification, {what}: expected {string.Join(" | ", brute.Verification())}");
    }

    /// <summary>A GET as a patient client makes it: a 503 (storage busy on a shared machine) is asked again.</summary>
    private static async Task<string> Read(Scenario ngo, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await ngo.Reporting.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 20) return await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
            await Task.Delay(250 * attempt);
        }
    }

    private static void Same(IEnumerable<string> expected, IEnumerable<string> actual, string what)
    {
        List<string> e = [.. expected], a = [.. actual];
        Assert.True(e.SequenceEqual(a), $"{what}\nexpected: {string.Join(" | ", e)}\nactual:   {string.Join(" | ", a)}");
    }

    public sealed record BruteQuery(string Zone, DateOnly? From, DateOnly? To, DateTimeOffset? AsOf);

    /// <summary>The reports computed the long way: each donation's revision standing at asOf, filtered by its local day, summed here.</summary>
    private sealed class Brute
    {
        private readonly List<(DonationAttributed D, string Day)> _standing;
        private readonly DateTimeOffset _deadline, _change;
        private readonly List<ClickRecorded> _clicks;

        public Brute(IReadOnlyList<DonationAttributed> revisions, BruteQuery q, DateTimeOffset deadline, DateTimeOffset change, IReadOnlyList<ClickRecorded> clicks)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(q.Zone);
            _deadline = deadline;
            _change = change;
            // Clicks made by asOf, on a local day of the period.
            _clicks = clicks.Where(c => q.AsOf is null || c.ClickedAt <= q.AsOf).Where(c =>
            {
                var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(c.ClickedAt, zone).DateTime);
                return (q.From is null || day >= q.From) && (q.To is null || day <= q.To);
            }).ToList();
            _standing = revisions.GroupBy(r => r.DonationId)
                .Select(g => g.Where(r => q.AsOf is null || r.DecidedAt <= q.AsOf).MaxBy(r => r.Revision))
                .OfType<DonationAttributed>()
                .Select(d => (D: d, Day: DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(d.OccurredAt, zone).DateTime)))
                .Where(x => (q.From is null || x.Day >= q.From) && (q.To is null || x.Day <= q.To))
                .Select(x => (x.D, x.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
                .ToList();
        }

        private static long Credited(DonationAttributed d) => d.Credits.Sum(c => c.AmountMinor);

        public IEnumerable<string> Summary() => _standing.GroupBy(x => x.D.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Sum(x => x.D.AmountMinor)} {g.Sum(x => x.D.RefundedMinor)} {g.Sum(x => x.D.FeeMinor ?? 0)} {g.Sum(x => Credited(x.D))} {g.Count()}");

        public IEnumerable<string> Reasons() => _standing.Where(x => x.D.Status == AttributionStatus.Unattributed).GroupBy(x => (x.D.Currency, x.D.Reason))
            .OrderBy(g => g.Key.Currency, StringComparer.Ordinal).ThenBy(g => g.Key.Reason, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Currency} {g.Key.Reason} {g.Sum(x => x.D.AmountMinor - x.D.RefundedMinor)} {g.Count()}");

        public IEnumerable<string> Days() => _standing.GroupBy(x => (x.Day, x.D.Currency))
            .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Day} {g.Key.Currency} {g.Sum(x => x.D.AmountMinor)} {g.Sum(x => x.D.RefundedMinor)} {g.Sum(x => Credited(x.D))} {g.Count()}");

        private IEnumerable<(DonationAttributed D, string Day, Credit C, string? Campaign)> CreditRows() =>
            _standing.SelectMany(x => x.D.Credits.Select(c => (x.D, x.Day, c, c.CampaignId ?? (c.FundraiserId == "f1" ? "c1" : null))));

        public IEnumerable<string> DaysByPost() => CreditRows().Where(x => x.C.PostId is not null).GroupBy(x => (x.Day, Key: x.C.PostId!, x.D.Currency))
            .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.Key, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Day} {g.Key.Key} {g.Key.Currency} {g.Sum(x => x.C.AmountMinor)}");

        public IEnumerable<string> DaysByCampaign() => CreditRows().Where(x => x.Campaign is not null).GroupBy(x => (x.Day, Key: x.Campaign!, x.D.Currency))
            .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.Key, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Day} {g.Key.Key} {g.Key.Currency} {g.Sum(x => x.C.AmountMinor)}");

        private static string Money(IEnumerable<(DonationAttributed D, string Day, Credit C, string? Campaign)> credits) =>
            string.Join(" ", credits.GroupBy(x => x.D.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key}:{g.Sum(x => x.C.AmountMinor)}:{g.Select(x => x.D.DonationId).Distinct().Count()}"));

        public IEnumerable<string> Posts() => ReportPropertyTests.Posts.Select(p => p.Post).Order(StringComparer.Ordinal).Select(post =>
        {
            var credits = CreditRows().Where(x => x.C.PostId == post).ToList();
            var donations = credits.GroupBy(x => x.D.Currency).Sum(g => g.Select(x => x.D.DonationId).Distinct().Count());
            return $"{post} {donations} {credits.Select(x => x.D.DonorId).Distinct().Count()} {Money(credits)}";
        });

        /// <summary>Per post: human clicks, bot clicks, distinct people behind the human ones, paid (VK ads) human clicks.</summary>
        public IEnumerable<string> Clicks(bool paid = true) => ReportPropertyTests.Posts.Select(p => p.Post).Order(StringComparer.Ordinal).Select(post =>
        {
            var of = _clicks.Where(c => c.PostId == post).ToList();
            var humans = of.Where(c => !c.IsBot).ToList();
            return $"{post} {humans.Count} {of.Count - humans.Count} {humans.Select(c => c.VisitorId).Distinct().Count()}" +
                   (paid ? $" {humans.Count(c => c.VkAdsClickId is not null)}" : "");
        });

        public IEnumerable<string> Campaigns() => new[] { "c1", "c2" }.Select(c => $"{c} {Money(CreditRows().Where(x => x.Campaign == c))}");

        public IEnumerable<string> Payouts() => _standing.GroupBy(x => (x.D.Provider, x.D.Currency))
            .OrderBy(g => g.Key.Provider, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Provider} {g.Key.Currency} {g.Sum(x => x.D.AmountMinor)} {g.Sum(x => x.D.RefundedMinor)} {g.Sum(x => x.D.FeeMinor ?? 0)} {g.Count()}");

        public string Fundraiser()
        {
            var credits = CreditRows().Where(x => x.C.FundraiserId == "f1" && x.D.Currency == "RUB" && x.D.OccurredAt <= _deadline).ToList();
            return $"{credits.Sum(x => x.C.AmountMinor)} {credits.Select(x => x.D.DonationId).Distinct().Count()} {credits.Select(x => x.D.DonorId).Distinct().Count()}";
        }

        /// <summary>Two periods: verified until the change, not verified since; a period with no post credits shows one empty line.</summary>
        public IEnumerable<string> Verification() => new[] { (true, (DateTimeOffset?)null, (DateTimeOffset?)_change), (false, _change, null) }.SelectMany(period =>
        {
            var (verified, since, until) = period;
            var credits = CreditRows().Where(x => x.C.PostId is not null && (since is null || x.D.OccurredAt >= since) && (until is null || x.D.OccurredAt < until)).ToList();
            var lines = credits.GroupBy(x => x.D.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{verified} {g.Key} {g.Sum(x => x.C.AmountMinor)} {g.Select(x => x.C.PostId).Distinct().Count()} {g.Select(x => x.D.DonationId).Distinct().Count()}").ToList();
            return lines.Count > 0 ? lines : [$"{verified}  0 0 0"];
        });
    }
}
