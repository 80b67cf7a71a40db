using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Donations.Reporting.Facts;

/// <summary>
/// The tables reports read, plain SQL in Reporting's schema, created and migrated by Marten with the documents.
/// <c>rpt_facts</c>: one narrow row per change of money (a ledger revision's contribution, or the reversal of an earlier
/// one), with when it happened (<c>occurred_at</c>, <c>day</c> in the NGO's zone) and when it was recorded
/// (<c>recorded_at</c>, the revision's decision time). <c>rpt_days</c> sums them per NGO, local day, day recorded
/// (UTC) and key; <c>rpt_totals</c> per NGO and key over all time; <c>rpt_donors</c>/<c>rpt_donor_counts</c> count the
/// distinct donors behind each post, campaign and fundraiser. A key is a dimension (<see cref="FactDims"/>) and its id.
/// Clicks (<see cref="ClickFacts"/>): <c>rpt_clicks</c> one narrow row per click, <c>rpt_click_days</c> per NGO, post and
/// local day, <c>rpt_click_people</c>/<c>rpt_click_people_counts</c> the distinct people behind each post's human clicks.
/// </summary>
public static class FactTables
{
    public const string Facts = "rpt_facts", Days = "rpt_days", Totals = "rpt_totals", Donors = "rpt_donors", DonorCounts = "rpt_donor_counts";
    public const string Clicks = "rpt_clicks", ClickDays = "rpt_click_days", ClickPeople = "rpt_click_people", ClickPeopleCounts = "rpt_click_people_counts";

    /// <summary>The tables of money, in the order a writer locks them.</summary>
    public static readonly string[] Money = [Facts, Days, Totals, Donors, DonorCounts];

    /// <summary>The tables of clicks, in the order a writer locks them.</summary>
    public static readonly string[] ClickTables = [Clicks, ClickDays, ClickPeople, ClickPeopleCounts];

    public static readonly string[] All = [.. Money, .. ClickTables];

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
        facts.Indexes.Add(new IndexDefinition($"{Facts}_recorded") { Columns = ["ngo", "recorded_at"] });
        facts.Indexes.Add(new IndexDefinition($"{Facts}_key") { Columns = ["ngo", "dim", "key", "day"] });

        var days = new Table(Name(schema, Days));
        days.AddColumn<string>("ngo").AsPrimaryKey();
        days.AddColumn("day", "date").AsPrimaryKey();
        days.AddColumn("recorded_day", "date").AsPrimaryKey();
        Dimensions(days, key: true);
        Measures(days);

        var totals = new Table(Name(schema, Totals));
        totals.AddColumn<string>("ngo").AsPrimaryKey();
        Dimensions(totals, key: true);
        Measures(totals);

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
        clicks.Indexes.Add(new IndexDefinition($"{Clicks}_day") { Columns = ["ngo", "day"] });

        var clickDays = new Table(Name(schema, ClickDays));
        clickDays.AddColumn<string>("ngo").AsPrimaryKey();
        clickDays.AddColumn<string>("post").AsPrimaryKey();
        clickDays.AddColumn("day", "date").AsPrimaryKey();
        foreach (var name in new[] { "humans", "bots", "paid" }) clickDays.AddColumn<long>(name).NotNull();

        var people = new Table(Name(schema, ClickPeople));
        people.AddColumn<string>("ngo").AsPrimaryKey();
        people.AddColumn<string>("post").AsPrimaryKey();
        people.AddColumn<string>("visitor").AsPrimaryKey();

        var peopleCounts = new Table(Name(schema, ClickPeopleCounts));
        peopleCounts.AddColumn<string>("ngo").AsPrimaryKey();
        peopleCounts.AddColumn<string>("post").AsPrimaryKey();
        peopleCounts.AddColumn<long>("people").NotNull();

        options.Storage.ExtendedSchemaObjects.AddRange([facts, days, totals, donors, counts, clicks, clickDays, people, peopleCounts]);
    }

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
