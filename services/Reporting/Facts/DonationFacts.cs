using System.Text.Json;
using Donations.Contracts.Attribution;
using Donations.Reporting.Donations;
using Marten;

namespace Donations.Reporting.Facts;

/// <summary>What a fact row is about: the donation itself, or its credit to one post, campaign or fundraiser.</summary>
public static class FactDims
{
    /// <summary>The donation's own money: gross, refunded, fee, attributed; one donation.</summary>
    public const string Donation = "";
    public const string Post = "post", Campaign = "campaign", Fundraiser = "fundraiser";
    /// <summary>Credit to a fundraiser that names no campaign: it counts for the fundraiser's campaign, looked up when read.</summary>
    public const string FundraiserCampaign = "fundraiser-campaign";
    /// <summary>Everything the donation credited to posts, together (key ''): money raised through posts, and one donation.</summary>
    public const string Posts = "posts";
}

/// <summary>One row of a revision's contribution to the facts; <c>Key</c> is '' for the donation's own row.</summary>
public sealed record FactPart(string Dim, string Key, long Gross, long Refunded, long Fee, long Attributed);

/// <summary>
/// Keeps Reporting's fact rows and rollups in step with the ledger: each revision, in the same session (and so the same
/// transaction) as the read model, adds its contribution less the contribution of the revision it follows. A revision
/// that arrives after a newer one (out of order) is put in its place in time: it counts from its decision until the
/// next revision's, and changes nothing now. A revision already known changes nothing.
/// </summary>
public static class DonationFacts
{
    /// <summary>
    /// Queues on <paramref name="session"/> one statement writing <paramref name="rows"/> (a page's revisions together) and
    /// their rollups. The caller saves the session.
    /// </summary>
    public static void Write(IDocumentSession session, IReadOnlyCollection<FactRow> rows)
    {
        if (rows.Count == 0) return;
        NgoZones.HoldOff(session, rows.Select(r => r.Ngo));
        session.QueueSqlCommand(UpsertSql(FactTables.Schema(session.DocumentStore)), JsonSerializer.Serialize(rows));
    }

    /// <summary>
    /// The fact rows for <paramref name="decided"/>, given every revision of the donation known before it (including any
    /// earlier in the same page); null for a revision already known.
    /// </summary>
    public static IReadOnlyList<FactRow>? Rows(DonationAttributed decided, IReadOnlyCollection<DonationAttributed> known)
    {
        if (known.Any(k => k.Revision == decided.Revision)) return null;
        var previous = known.Where(k => k.Revision < decided.Revision).MaxBy(k => k.Revision);
        var next = known.Where(k => k.Revision > decided.Revision).MinBy(k => k.Revision);
        var rows = new List<FactRow>();
        // At this revision's decision: it replaces the one before it.
        Add(rows, decided, decided.DecidedAt, decided, +1);
        if (previous is not null) Add(rows, decided, decided.DecidedAt, previous, -1);
        // Already replaced by a newer one: from the newer one's decision, the newer one replaces this instead.
        if (next is not null)
        {
            Add(rows, decided, next.DecidedAt, decided, -1);
            if (previous is not null) Add(rows, decided, next.DecidedAt, previous, +1);
        }
        return rows;
    }

    /// <summary>What one revision puts in the reports, row by row.</summary>
    public static IEnumerable<FactPart> Parts(DonationAttributed d)
    {
        yield return new FactPart(FactDims.Donation, "", d.AmountMinor, d.RefundedMinor, d.FeeMinor ?? 0, d.AttributedMinor());
        foreach (var g in d.Credits.Where(c => c.PostId is not null).GroupBy(c => c.PostId!)) yield return Credit(FactDims.Post, g.Key, g);
        if (d.Credits.Any(c => c.PostId is not null)) yield return Credit(FactDims.Posts, "", d.Credits.Where(c => c.PostId is not null));
        foreach (var g in d.Credits.Where(c => c.CampaignId is not null).GroupBy(c => c.CampaignId!)) yield return Credit(FactDims.Campaign, g.Key, g);
        foreach (var g in d.Credits.Where(c => c.CampaignId is null && c.FundraiserId is not null).GroupBy(c => c.FundraiserId!))
            yield return Credit(FactDims.FundraiserCampaign, g.Key, g);
        foreach (var g in d.Credits.Where(c => c.FundraiserId is not null).GroupBy(c => c.FundraiserId!)) yield return Credit(FactDims.Fundraiser, g.Key, g);
    }

    private static FactPart Credit(string dim, string key, IEnumerable<Credit> credits) => new(dim, key, 0, 0, 0, credits.Sum(c => c.AmountMinor));

    /// <summary>
    /// PostgreSQL keeps microseconds and would round the rest; truncated here, as reports truncate the moments they
    /// compare with (asOf, a deadline), so a moment equal to a decision's compares equal.
    /// </summary>
    public static DateTimeOffset Microseconds(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    private static void Add(List<FactRow> rows, DonationAttributed arriving, DateTimeOffset recordedAt, DonationAttributed of, int sign)
    {
        foreach (var p in Parts(of))
            rows.Add(new FactRow(arriving.DonationId, arriving.Revision, rows.Count, of.NgoId, Microseconds(recordedAt), Microseconds(of.OccurredAt),
                of.Currency, of.Provider, of.Status, of.Reason ?? "", of.DonorId ?? of.DonationId.ToString(), p.Dim, p.Key,
                sign * p.Gross, sign * p.Refunded, sign * p.Fee, sign * p.Attributed, sign));
    }

    /// <summary>
    /// The one statement that writes a list of fact rows (a JSON array, the parameter <paramref name="parameter"/>)
    /// and their rollups, into the tables named with <paramref name="suffix"/> (the live ones, or a rebuild's).
    /// </summary>
    public static string UpsertSql(string s, string suffix = "", string parameter = "?")
    {
        return $"""
            with f as (
              insert into {s}.{FactTables.Facts}{suffix} (donation, revision, seq, ngo, recorded_at, occurred_at, day, currency, provider, status, reason, donor, dim, key, gross, refunded, fee, attributed, donations)
              select x.donation, x.revision, x.seq, x.ngo, x.recorded_at, x.occurred_at, {NgoZones.DayOf("x.occurred_at")}, x.currency, x.provider, x.status, x.reason, x.donor,
                x.dim, x.key, x.gross, x.refunded, x.fee, x.attributed, x.donations
              from jsonb_to_recordset({parameter}::jsonb) as x(donation uuid, revision int, seq int, ngo text, recorded_at timestamptz, occurred_at timestamptz,
                currency text, provider text, status text, reason text, donor text, dim text, key text, gross bigint, refunded bigint, fee bigint, attributed bigint, donations int)
              {NgoZones.JoinZone(s)}
              returning *),
            days as (
              insert into {s}.{FactTables.Days}{suffix} as t (ngo, day, recorded_day, currency, provider, status, reason, dim, key, gross, refunded, fee, attributed, donations)
              select ngo, day, (recorded_at at time zone 'UTC')::date, currency, provider, status, reason, dim, key, sum(gross), sum(refunded), sum(fee), sum(attributed), sum(donations)
              from f group by 1, 2, 3, 4, 5, 6, 7, 8, 9 order by 1, 2, 3, 4, 5, 6, 7, 8, 9
              on conflict (ngo, day, recorded_day, currency, provider, status, reason, dim, key) do update set gross = t.gross + excluded.gross,
                refunded = t.refunded + excluded.refunded, fee = t.fee + excluded.fee, attributed = t.attributed + excluded.attributed, donations = t.donations + excluded.donations),
            key_days as (
              insert into {s}.{FactTables.KeyDays}{suffix} as t (ngo, dim, day, key, currency, attributed, donations)
              select ngo, dim, day, key, currency, sum(attributed), sum(donations) from f where dim <> '' group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
              on conflict (ngo, dim, day, key, currency) do update set attributed = t.attributed + excluded.attributed, donations = t.donations + excluded.donations),
            totals as (
              insert into {s}.{FactTables.Totals}{suffix} as t (ngo, currency, provider, status, reason, dim, key, gross, refunded, fee, attributed, donations)
              select ngo, currency, provider, status, reason, dim, key, sum(gross), sum(refunded), sum(fee), sum(attributed), sum(donations)
              from f group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7
              on conflict (ngo, currency, provider, status, reason, dim, key) do update set gross = t.gross + excluded.gross,
                refunded = t.refunded + excluded.refunded, fee = t.fee + excluded.fee, attributed = t.attributed + excluded.attributed, donations = t.donations + excluded.donations),
            months as (
              insert into {s}.{FactTables.RecordedMonths}{suffix} as t (ngo, dim, key, month, currency, provider, status, reason, gross, refunded, fee, attributed, donations)
              select ngo, dim, key, date_trunc('month', recorded_at at time zone 'UTC')::date, currency, provider, status, reason, sum(gross), sum(refunded), sum(fee), sum(attributed), sum(donations)
              from f group by 1, 2, 3, 4, 5, 6, 7, 8 order by 1, 2, 3, 4, 5, 6, 7, 8
              on conflict (ngo, dim, key, month, currency, provider, status, reason) do update set gross = t.gross + excluded.gross,
                refunded = t.refunded + excluded.refunded, fee = t.fee + excluded.fee, attributed = t.attributed + excluded.attributed, donations = t.donations + excluded.donations),
            changed as (
              select ngo, dim, key, donor, sum(donations)::int as delta from f where dim <> '' group by 1, 2, 3, 4 having sum(donations) <> 0),
            donors as (
              insert into {s}.{FactTables.Donors}{suffix} as t (ngo, dim, key, donor, donations)
              select ngo, dim, key, donor, delta from changed order by 1, 2, 3, 4
              on conflict (ngo, dim, key, donor) do update set donations = t.donations + excluded.donations
              returning t.ngo, t.dim, t.key, t.donor, t.donations),
            counts as (
              insert into {s}.{FactTables.DonorCounts}{suffix} as t (ngo, dim, key, donors)
              select d.ngo, d.dim, d.key, sum(case when d.donations > 0 and d.donations - c.delta <= 0 then 1 when d.donations <= 0 and d.donations - c.delta > 0 then -1 else 0 end)
              from donors d join changed c using (ngo, dim, key, donor) group by 1, 2, 3 order by 1, 2, 3
              on conflict (ngo, dim, key) do update set donors = t.donors + excluded.donors),
            {DonorSql(s, suffix)}
            """;
    }

    /// <summary>
    /// The CTEs (after <c>f</c>, the fact rows written) that keep the distinct donors of posts and fundraisers countable
    /// at any recorded moment and by any deadline. Each donor's row in <c>rpt_donor_history</c> gets this write's changes
    /// (entries: recorded_at, occurred_at, currency, donation, ±donations); the upsert returns the entries before
    /// and after, read from the row it locked (so concurrent writers stay exact), and the difference between the two
    /// is written: the moments a donor starts (+1) or stops (−1) counting, per moment, UTC day and month recorded, and the
    /// first moment of a donation that counts now, per currency, counted per UTC day (the moment it replaced comes back
    /// from the locked row). A post's donor is active on the local days whose donations still count; the spans between
    /// those days (<see cref="FactTables.SpanCounts"/>) change by the difference between the entries after and before.
    /// </summary>
    private static string DonorSql(string s, string suffix) => $"""
        changes as (
          select ngo, dim, key, donor, jsonb_agg(jsonb_build_array(recorded_at, occurred_at, currency, donation, n) order by recorded_at, donation) as entries
          from (select ngo, dim, key, donor, recorded_at, occurred_at, currency, donation, sum(donations) as n from f
                where dim in ({string.Join(", ", FactTables.DonorDims.Select(d => $"'{d}'"))}) group by 1, 2, 3, 4, 5, 6, 7, 8 having sum(donations) <> 0) x
          group by 1, 2, 3, 4),
        history as (
          insert into {s}.{FactTables.DonorHistory}{suffix} as t (ngo, dim, key, donor, entries, previous)
          select ngo, dim, key, donor, entries, '[]'::jsonb from changes order by 1, 2, 3, 4
          on conflict (ngo, dim, key, donor) do update set previous = t.entries, entries = t.entries || excluded.entries
          returning t.ngo, t.dim, t.key, t.donor, t.entries, t.previous),
        sides as (
          select h.ngo, h.dim, h.key, h.donor, 1 as sign, e.v from history h cross join lateral jsonb_array_elements(h.entries) as e(v)
          union all select h.ngo, h.dim, h.key, h.donor, -1, e.v from history h cross join lateral jsonb_array_elements(h.previous) as e(v)),
        points as (
          select ngo, dim, key, donor, sign, (v->>0)::timestamptz as at, sum((v->>4)::int) as d from sides group by 1, 2, 3, 4, 5, 6),
        runs as (
          select ngo, dim, key, sign, at, d, sum(d) over (partition by ngo, dim, key, donor, sign order by at) as run from points),
        turns as (
          select ngo, dim, key, at, sum(sign * ((run > 0)::int - (run - d > 0)::int)) as donors from runs group by 1, 2, 3, 4
          having sum(sign * ((run > 0)::int - (run - d > 0)::int)) <> 0),
        moments as (
          insert into {s}.{FactTables.DonorMoments}{suffix} as t (ngo, dim, key, recorded_at, donors)
          select ngo, dim, key, at, donors from turns order by 1, 2, 3, 4
          on conflict (ngo, dim, key, recorded_at) do update set donors = t.donors + excluded.donors),
        recorded as (
          insert into {s}.{FactTables.DonorRecorded}{suffix} as t (ngo, dim, key, recorded_day, donors)
          select ngo, dim, key, (at at time zone 'UTC')::date, sum(donors) from turns group by 1, 2, 3, 4 having sum(donors) <> 0 order by 1, 2, 3, 4
          on conflict (ngo, dim, key, recorded_day) do update set donors = t.donors + excluded.donors),
        recorded_months as (
          insert into {s}.{FactTables.DonorRecordedMonths}{suffix} as t (ngo, dim, key, month, donors)
          select ngo, dim, key, date_trunc('month', at at time zone 'UTC')::date, sum(donors) from turns group by 1, 2, 3, 4 having sum(donors) <> 0 order by 1, 2, 3, 4
          on conflict (ngo, dim, key, month) do update set donors = t.donors + excluded.donors),
        donor_days as (
          select x.ngo, x.key, x.donor, x.sign as n, {NgoZones.DayOf("(x.v->>1)::timestamptz")} as day from sides x {NgoZones.JoinZone(s)}
          where x.dim = '{FactDims.Post}' group by 1, 2, 3, 4, 5 having sum((x.v->>4)::int) > 0),
        post_donor_spans as (
          insert into {s}.{FactTables.PostDonorSpans}{suffix} as t (ngo, day, post, prev_day, donors)
          {FactTables.SpanCounts("key", "donor", "select * from donor_days")}
          on conflict (ngo, day, post, prev_day) do update set donors = t.donors + excluded.donors),
        counted as (
          select ngo, dim, key, donor, sign, v->>2 as currency, (v->>1)::timestamptz as occurred_at from sides
          where dim = '{FactDims.Fundraiser}' group by ngo, dim, key, donor, sign, v->>2, v->>3, v->>1 having sum((v->>4)::int) > 0),
        firsts as (
          select ngo, dim, key, donor, currency, min(occurred_at) filter (where sign = 1) as first_at, bool_or(sign = 1) as counts
          from counted group by 1, 2, 3, 4, 5),
        gone as (
          delete from {s}.{FactTables.DonorFirsts}{suffix} t using firsts x
          where not x.counts and t.ngo = x.ngo and t.dim = x.dim and t.key = x.key and t.currency = x.currency and t.donor = x.donor
          returning t.ngo, t.dim, t.key, t.currency, t.first_at),
        kept as (
          insert into {s}.{FactTables.DonorFirsts}{suffix} as t (ngo, dim, key, currency, donor, first_at)
          select ngo, dim, key, currency, donor, first_at from firsts where counts order by 1, 2, 3, 4, 5
          on conflict (ngo, dim, key, currency, donor) do update set first_at = excluded.first_at, prev_at = t.first_at
          returning t.ngo, t.dim, t.key, t.currency, t.first_at, t.prev_at),
        moved as (
          select ngo, dim, key, currency, first_at as at, 1 as n from kept
          union all select ngo, dim, key, currency, prev_at, -1 from kept where prev_at is not null
          union all select ngo, dim, key, currency, first_at, -1 from gone)
        insert into {s}.{FactTables.DonorFirstDays}{suffix} as t (ngo, dim, key, currency, day, donors)
        select ngo, dim, key, currency, (at at time zone 'UTC')::date, sum(n) from moved group by 1, 2, 3, 4, 5 having sum(n) <> 0 order by 1, 2, 3, 4, 5
        on conflict (ngo, dim, key, currency, day) do update set donors = t.donors + excluded.donors
        """;
}

/// <summary>One fact row as written (JSON names match the SQL record's columns).</summary>
public sealed record FactRow(
    [property: System.Text.Json.Serialization.JsonPropertyName("donation")] Guid Donation,
    [property: System.Text.Json.Serialization.JsonPropertyName("revision")] int Revision,
    [property: System.Text.Json.Serialization.JsonPropertyName("seq")] int Seq,
    [property: System.Text.Json.Serialization.JsonPropertyName("ngo")] string Ngo,
    [property: System.Text.Json.Serialization.JsonPropertyName("recorded_at")] DateTimeOffset RecordedAt,
    [property: System.Text.Json.Serialization.JsonPropertyName("occurred_at")] DateTimeOffset OccurredAt,
    [property: System.Text.Json.Serialization.JsonPropertyName("currency")] string Currency,
    [property: System.Text.Json.Serialization.JsonPropertyName("provider")] string Provider,
    [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
    [property: System.Text.Json.Serialization.JsonPropertyName("reason")] string Reason,
    [property: System.Text.Json.Serialization.JsonPropertyName("donor")] string Donor,
    [property: System.Text.Json.Serialization.JsonPropertyName("dim")] string Dim,
    [property: System.Text.Json.Serialization.JsonPropertyName("key")] string Key,
    [property: System.Text.Json.Serialization.JsonPropertyName("gross")] long Gross,
    [property: System.Text.Json.Serialization.JsonPropertyName("refunded")] long Refunded,
    [property: System.Text.Json.Serialization.JsonPropertyName("fee")] long Fee,
    [property: System.Text.Json.Serialization.JsonPropertyName("attributed")] long Attributed,
    [property: System.Text.Json.Serialization.JsonPropertyName("donations")] int Donations);
