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
/// </summary>
public static class FactTables
{
    public const string Facts = "rpt_facts", Days = "rpt_days", Totals = "rpt_totals", Donors = "rpt_donors", DonorCounts = "rpt_donor_counts";

    /// <summary>Every table of facts and rollups, in the order a writer locks them.</summary>
    public static readonly string[] All = [Facts, Days, Totals, Donors, DonorCounts];

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

        options.Storage.ExtendedSchemaObjects.AddRange([facts, days, totals, donors, counts]);
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
