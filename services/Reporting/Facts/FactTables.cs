using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Donations.Reporting.Facts;

/// <summary>
/// The tables reports read, plain SQL in Reporting's schema, created and migrated by Marten with the documents.
/// <c>rpt_facts</c>: one narrow row per change of money (a ledger revision's contribution, or the reversal of an earlier
/// one), with when it happened (<c>occurred_at</c>, <c>day</c> in the NGO's zone) and when it was recorded
/// (<c>recorded_at</c>, the revision's decision time). <c>rpt_days</c> sums them per NGO, local day, day recorded
/// (UTC) and key; <c>rpt_key_days</c> only the credit of each post, campaign and fundraiser per local day and currency (what a
/// chart by key reads, a third of <c>rpt_days</c>' rows); <c>rpt_totals</c> per NGO and key over all time; <c>rpt_donors</c>/<c>rpt_donor_counts</c> count the
/// distinct donors behind each post, campaign and fundraiser. A key is a dimension (<see cref="FactDims"/>) and its id.
/// Clicks (<see cref="ClickFacts"/>): <c>rpt_clicks</c> one narrow row per click, <c>rpt_click_days</c> per NGO, post and
/// local day, <c>rpt_click_people</c>/<c>rpt_click_people_counts</c> the distinct people behind each post's human clicks.
/// Distinct donors and people at a past moment or by a deadline, at a cost that does not grow with the NGO's gifts
/// (<see cref="DonorDims"/>): <c>rpt_donor_history</c> keeps per post/fundraiser and donor the donor's changes,
/// from which <c>rpt_donor_moments</c>/<c>rpt_donor_recorded</c> count when (recorded time) a donor starts or stops
/// counting, and <c>rpt_donor_firsts</c> the first moment (occurred time) a donor counts, per currency, with
/// <c>rpt_donor_first_days</c> how many donors' first moments fall on each UTC day;
/// <c>rpt_click_totals</c> all-time clicks per post, <c>rpt_click_firsts</c>/<c>rpt_click_people_days</c> the day of
/// each person's first click on a post.
/// Distinct people (donors) of a post in any period [from, to]: each person's active days on the post, with the active
/// day before each (<c>-infinity</c> for the first), counted per (day, day before) in <c>rpt_click_people_spans</c> and
/// <c>rpt_post_donor_spans</c>; a person active in the period has exactly one active day in it whose day before is
/// earlier than <c>from</c>, so the count is a sum over the period's days, not over its people.
/// </summary>
public static class FactTables
{
    public const string Facts = "rpt_facts", Days = "rpt_days", KeyDays = "rpt_key_days", Totals = "rpt_totals", Donors = "rpt_donors", DonorCounts = "rpt_donor_counts";
    public const string Clicks = "rpt_clicks", ClickDays = "rpt_click_days", ClickPeople = "rpt_click_people", ClickPeopleCounts = "rpt_click_people_counts";
    public const string DonorHistory = "rpt_donor_history", DonorMoments = "rpt_donor_moments", DonorRecorded = "rpt_donor_recorded", DonorFirsts = "rpt_donor_firsts", DonorFirstDays = "rpt_donor_first_days";
    public const string ClickTotals = "rpt_click_totals", ClickFirsts = "rpt_click_firsts", ClickPeopleDays = "rpt_click_people_days";
    // Distinct people and donors per post over any period, as spans between a person's (donor's) active days.
    public const string ClickPeopleSpans = "rpt_click_people_spans", PostDonorSpans = "rpt_post_donor_spans";
    // Months beside days, so an asOf reads a year as twelve months and the days of one.
    public const string RecordedMonths = "rpt_recorded_months", DonorRecordedMonths = "rpt_donor_recorded_months", ClickMonths = "rpt_click_months", ClickPeopleMonths = "rpt_click_people_months";

    /// <summary>The dimensions whose donors reports count at a past moment or by a deadline (posts, fundraisers).</summary>
    public static readonly string[] DonorDims = [FactDims.Post, FactDims.Fundraiser];

    /// <summary>The tables of money, in the order a writer locks them.</summary>
    public static readonly string[] Money = [Facts, Days, KeyDays, Totals, RecordedMonths, Donors, DonorCounts, DonorHistory, DonorMoments, DonorRecorded, DonorRecordedMonths, DonorFirsts, DonorFirstDays, PostDonorSpans];

    /// <summary>The tables of clicks, in the order a writer locks them.</summary>
    public static readonly string[] ClickTables = [Clicks, ClickDays, ClickPeople, ClickPeopleCounts, ClickTotals, ClickFirsts, ClickPeopleDays, ClickMonths, ClickPeopleMonths, ClickPeopleSpans];

    public static readonly string[] All = [.. Money, .. ClickTables];

    /// <summary>The tables whose rows sum many facts: each write updates them again in place.</summary>
    public static readonly string[] Rollups = [Days, KeyDays, Totals, RecordedMonths, DonorCounts, DonorMoments, DonorRecorded, DonorRecordedMonths, DonorFirstDays,
        PostDonorSpans, ClickDays, ClickPeopleCounts, ClickTotals, ClickPeopleDays, ClickMonths, ClickPeopleMonths, ClickPeopleSpans];

    /// <summary>Reporting's schema, where these tables live next to the documents.</summary>
    public static string Schema(Marten.IDocumentStore store)
    {
        var table = store.Options.Schema.For<Donations.DonationView>(true);
        return table[..table.LastIndexOf('.')];
    }

    public static void AddFactTables(this Marten.StoreOptions options)
    {
        var schema = options.DatabaseSchemaName;
        var facts = new Table(Name(schema, Facts));
        facts.AddColumn<Guid>("donation").AsPrimaryKey();
        facts.AddColumn<int>("revision").AsPrimaryKey();
        facts.AddColumn<int>("seq").AsPrimaryKey();
        facts.AddColumn<string>("ngo").NotNull();
        facts.AddColumn("recorded_at", "timestamptz").NotNull();
        facts.AddColumn("occurred_at", "timestamptz").NotNull();
        facts.AddColumn("day", "date").NotNull();
        Dimensions(facts);
        facts.AddColumn<string>("donor").NotNull();
        Measures(facts);
        // asOf's own day: one dimension's facts recorded since midnight, not every dimension's.
        facts.Indexes.Add(new IndexDefinition($"{Facts}_recorded") { Columns = ["ngo", "dim", "recorded_at"] });
        facts.Indexes.Add(new IndexDefinition($"{Facts}_key") { Columns = ["ngo", "dim", "key", "day"] });

        var days = new Table(Name(schema, Days));
        days.AddColumn<string>("ngo").AsPrimaryKey();
        days.AddColumn("day", "date").AsPrimaryKey();
        days.AddColumn("recorded_day", "date").AsPrimaryKey();
        Dimensions(days, key: true);
        Measures(days);
        // A key's days (a fundraiser by its deadline, asOf over one dimension) without reading the NGO's other keys.
        days.Indexes.Add(new IndexDefinition($"{Days}_key") { Columns = ["ngo", "dim", "key", "recorded_day", "day"] });
        // asOf: the days recorded in asOf's month, of every key (never updated columns: updates stay HOT).
        days.Indexes.Add(new IndexDefinition($"{Days}_recorded") { Columns = ["ngo", "dim", "recorded_day"] });

        // Without the recorded day, provider, status and reason that multiply rpt_days: a key's credit per local day.
        var keyDays = new Table(Name(schema, KeyDays));
        // Keyed by day before key: a chart reads a range of days of one dimension.
        foreach (var name in new[] { "ngo", "dim" }) keyDays.AddColumn<string>(name).AsPrimaryKey();
        keyDays.AddColumn("day", "date").AsPrimaryKey();
        foreach (var name in new[] { "key", "currency" }) keyDays.AddColumn<string>(name).AsPrimaryKey();
        keyDays.AddColumn<long>("attributed").NotNull();
        keyDays.AddColumn<int>("donations").NotNull();

        var totals = new Table(Name(schema, Totals));
        totals.AddColumn<string>("ngo").AsPrimaryKey();
        Dimensions(totals, key: true);
        Measures(totals);

        // Per UTC month recorded (the first of the month), without the day the money was given: what asOf sums.
        var recordedMonths = new Table(Name(schema, RecordedMonths));
        foreach (var name in new[] { "ngo", "dim", "key" }) recordedMonths.AddColumn<string>(name).AsPrimaryKey();
        recordedMonths.AddColumn("month", "date").AsPrimaryKey();
        foreach (var name in new[] { "currency", "provider", "status", "reason" }) recordedMonths.AddColumn<string>(name).AsPrimaryKey();
        Measures(recordedMonths);

        var donors = new Table(Name(schema, Donors));
        donors.AddColumn<string>("ngo").AsPrimaryKey();
        donors.AddColumn<string>("dim").AsPrimaryKey();
        donors.AddColumn<string>("key").AsPrimaryKey();
        donors.AddColumn<string>("donor").AsPrimaryKey();
        donors.AddColumn<int>("donations").NotNull();

        var counts = new Table(Name(schema, DonorCounts));
        counts.AddColumn<string>("ngo").AsPrimaryKey();
        counts.AddColumn<string>("dim").AsPrimaryKey();
        counts.AddColumn<string>("key").AsPrimaryKey();
        counts.AddColumn<int>("donors").NotNull();

        // Clicks: one narrow row per click (day in the NGO's zone), per post and day apart people, bots and paid clicks,
        // and the distinct people (visitors) behind each post's human clicks.
        var clicks = new Table(Name(schema, Clicks));
        clicks.AddColumn<Guid>("id").AsPrimaryKey();
        clicks.AddColumn<string>("ngo").NotNull();
        clicks.AddColumn<string>("post").NotNull();
        clicks.AddColumn("clicked_at", "timestamptz").NotNull();
        clicks.AddColumn("day", "date").NotNull();
        clicks.AddColumn<bool>("bot").NotNull();
        clicks.AddColumn<bool>("paid").NotNull();
        clicks.AddColumn<string>("visitor").NotNull();
        // asOf's day from the index alone (click rows are written once; only a zone move rewrites them), skipping the heap.
        clicks.Indexes.Add(new IndexDefinition($"{Clicks}_day") { Columns = ["ngo", "day", "clicked_at"], IncludeColumns = ["post", "bot", "paid"] });

        var clickDays = new Table(Name(schema, ClickDays));
        clickDays.AddColumn<string>("ngo").AsPrimaryKey();
        clickDays.AddColumn<string>("post").AsPrimaryKey();
        clickDays.AddColumn("day", "date").AsPrimaryKey();
        foreach (var name in new[] { "humans", "bots", "paid" }) clickDays.AddColumn<long>(name).NotNull();
        // The days of asOf's month, every post at once (keyed columns only: the counts' updates stay HOT).
        clickDays.Indexes.Add(new IndexDefinition($"{ClickDays}_day") { Columns = ["ngo", "day"] });

        var people = new Table(Name(schema, ClickPeople));
        people.AddColumn<string>("ngo").AsPrimaryKey();
        people.AddColumn<string>("post").AsPrimaryKey();
        people.AddColumn<string>("visitor").AsPrimaryKey();
        // The person's active days on the post (local days of human clicks), and before the last write changed them
        // (null when the write inserted the row): the write derives the spans that changed from the row it locked.
        people.AddColumn("days", "date[]");
        people.AddColumn("previous", "date[]");

        var peopleCounts = new Table(Name(schema, ClickPeopleCounts));
        peopleCounts.AddColumn<string>("ngo").AsPrimaryKey();
        peopleCounts.AddColumn<string>("post").AsPrimaryKey();
        peopleCounts.AddColumn<long>("people").NotNull();

        // A donor's changes per post/fundraiser (entries: recorded_at, occurred_at, currency, donation, ±donations),
        // and what they were before the last write, so a writer derives what changed from the row it has locked.
        var history = new Table(Name(schema, DonorHistory));
        foreach (var name in new[] { "ngo", "dim", "key", "donor" }) history.AddColumn<string>(name).AsPrimaryKey();
        history.AddColumn("entries", "jsonb").NotNull();
        history.AddColumn("previous", "jsonb").NotNull();

        // +1 when a donor starts counting for a key (recorded time), -1 when it stops: per moment and per UTC day.
        var moments = new Table(Name(schema, DonorMoments));
        foreach (var name in new[] { "ngo", "dim", "key" }) moments.AddColumn<string>(name).AsPrimaryKey();
        moments.AddColumn("recorded_at", "timestamptz").AsPrimaryKey();
        moments.AddColumn<int>("donors").NotNull();
        moments.Indexes.Add(new IndexDefinition($"{DonorMoments}_recorded") { Columns = ["ngo", "dim", "recorded_at"] });

        var recorded = new Table(Name(schema, DonorRecorded));
        foreach (var name in new[] { "ngo", "dim", "key" }) recorded.AddColumn<string>(name).AsPrimaryKey();
        recorded.AddColumn("recorded_day", "date").AsPrimaryKey();
        recorded.AddColumn<int>("donors").NotNull();
        recorded.Indexes.Add(new IndexDefinition($"{DonorRecorded}_day") { Columns = ["ngo", "dim", "recorded_day"] });

        var donorMonths = new Table(Name(schema, DonorRecordedMonths));
        foreach (var name in new[] { "ngo", "dim", "key" }) donorMonths.AddColumn<string>(name).AsPrimaryKey();
        donorMonths.AddColumn("month", "date").AsPrimaryKey();
        donorMonths.AddColumn<int>("donors").NotNull();

        // Per key, currency and donor, the moment of the first donation that counts now.
        var firsts = new Table(Name(schema, DonorFirsts));
        foreach (var name in new[] { "ngo", "dim", "key", "currency", "donor" }) firsts.AddColumn<string>(name).AsPrimaryKey();
        firsts.AddColumn("first_at", "timestamptz").NotNull();
        // The first moment before the last write moved it, so that write knows which day's count to take it from.
        firsts.AddColumn("prev_at", "timestamptz");
        firsts.Indexes.Add(new IndexDefinition($"{DonorFirsts}_first") { Columns = ["ngo", "dim", "key", "currency", "first_at"] });

        // Donors per key, currency and UTC day of their first donation that counts: donors by a deadline as days.
        var firstDays = new Table(Name(schema, DonorFirstDays));
        foreach (var name in new[] { "ngo", "dim", "key", "currency" }) firstDays.AddColumn<string>(name).AsPrimaryKey();
        firstDays.AddColumn("day", "date").AsPrimaryKey();
        firstDays.AddColumn<int>("donors").NotNull();

        var clickTotals = new Table(Name(schema, ClickTotals));
        clickTotals.AddColumn<string>("ngo").AsPrimaryKey();
        clickTotals.AddColumn<string>("post").AsPrimaryKey();
        foreach (var name in new[] { "humans", "bots", "paid" }) clickTotals.AddColumn<long>(name).NotNull();

        // A person's first human click on a post (prev_day: the first day before the last write moved it earlier).
        var clickFirsts = new Table(Name(schema, ClickFirsts));
        foreach (var name in new[] { "ngo", "post", "visitor" }) clickFirsts.AddColumn<string>(name).AsPrimaryKey();
        clickFirsts.AddColumn("first_at", "timestamptz").NotNull();
        clickFirsts.AddColumn("day", "date").NotNull();
        clickFirsts.AddColumn("prev_day", "date");
        clickFirsts.Indexes.Add(new IndexDefinition($"{ClickFirsts}_day") { Columns = ["ngo", "day", "first_at"], IncludeColumns = ["post"] });

        var peopleDays = new Table(Name(schema, ClickPeopleDays));
        peopleDays.AddColumn<string>("ngo").AsPrimaryKey();
        peopleDays.AddColumn<string>("post").AsPrimaryKey();
        peopleDays.AddColumn("day", "date").AsPrimaryKey();
        peopleDays.AddColumn<long>("people").NotNull();
        peopleDays.Indexes.Add(new IndexDefinition($"{ClickPeopleDays}_day") { Columns = ["ngo", "day"] });

        // Clicks and people (by their first click) per post and local month (the first of the month).
        var clickMonths = new Table(Name(schema, ClickMonths));
        clickMonths.AddColumn<string>("ngo").AsPrimaryKey();
        clickMonths.AddColumn<string>("post").AsPrimaryKey();
        clickMonths.AddColumn("month", "date").AsPrimaryKey();
        foreach (var name in new[] { "humans", "bots", "paid" }) clickMonths.AddColumn<long>(name).NotNull();

        var peopleMonths = new Table(Name(schema, ClickPeopleMonths));
        peopleMonths.AddColumn<string>("ngo").AsPrimaryKey();
        peopleMonths.AddColumn<string>("post").AsPrimaryKey();
        peopleMonths.AddColumn("month", "date").AsPrimaryKey();
        peopleMonths.AddColumn<long>("people").NotNull();

        options.Storage.ExtendedSchemaObjects.AddRange([facts, days, keyDays, totals, recordedMonths, donors, counts, history, moments, recorded, donorMonths, firsts, firstDays,
            Spans(schema, PostDonorSpans, "donors"), clicks, clickDays, people, peopleCounts, clickTotals, clickFirsts, peopleDays, clickMonths, peopleMonths,
            Spans(schema, ClickPeopleSpans, "people")]);
    }

    /// <summary>Per NGO, local day, post and active day before: how many people (donors) were active on the post that day.</summary>
    private static Table Spans(string schema, string name, string count)
    {
        var spans = new Table(Name(schema, name));
        spans.AddColumn<string>("ngo").AsPrimaryKey();
        // Day before post: a period is a range of days across the NGO's posts.
        spans.AddColumn("day", "date").AsPrimaryKey();
        spans.AddColumn<string>("post").AsPrimaryKey();
        spans.AddColumn("prev_day", "date").AsPrimaryKey();
        spans.AddColumn<long>(count).NotNull();
        return spans;
    }

    /// <summary>
    /// The span counts of <paramref name="rows"/> (columns <c>ngo</c>, <paramref name="key"/>, <paramref name="who"/>,
    /// <c>day</c>, <c>n</c>: one row per active day, n = +1 for the days after a write and −1 for those before it): per
    /// day and the active day before it of the same person and side, as <c>(ngo, day, key, prev_day, count)</c> in lock order.
    /// </summary>
    public static string SpanCounts(string key, string who, string rows) => $"""
        select ngo, day, {key}, prev_day, sum(n) from (
          select ngo, {key}, day, lag(day, 1, '-infinity'::date) over (partition by ngo, {key}, {who}, n order by day) as prev_day, n from ({rows}) r) x
        group by 1, 2, 3, 4 having sum(n) <> 0 order by 1, 2, 3, 4
        """;

    // Weasel 9's replacement constructor takes an identifier-usage flag whose default is this one's behaviour.
#pragma warning disable CS0618
    private static PostgresqlObjectName Name(string schema, string name) => new(schema, name);
#pragma warning restore CS0618

    private static void Dimensions(Table table, bool key = false)
    {
        foreach (var name in new[] { "currency", "provider", "status", "reason", "dim", "key" })
            if (key) table.AddColumn<string>(name).AsPrimaryKey();
            else table.AddColumn<string>(name).NotNull();
    }

    private static void Measures(Table table)
    {
        foreach (var name in new[] { "gross", "refunded", "fee", "attributed" }) table.AddColumn<long>(name).NotNull();
        table.AddColumn<int>("donations").NotNull();
    }
}
