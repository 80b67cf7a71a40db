using Donations.Reporting.Catalog;
using Donations.Reporting.Donations;
using Donations.ServiceDefaults.Storage;

namespace Donations.Reporting.Storage;

public static class ReportingStore
{
    public static void AddReportingStore(this IHostApplicationBuilder builder) =>
        builder.AddDonationsMarten("reporting", options =>
        {
            options.Schema.For<DonationView>().UseOptimisticConcurrency(true)
                .Index(d => d.NgoId).Index(d => d.ProviderTxId);
            options.Schema.For<LedgerEntry>().Index(e => e.NgoId).Index(e => e.DonationId);
            options.Schema.For<NgoProfile>();
            options.Schema.For<CampaignView>().Index(c => c.NgoId);
            options.Schema.For<FundraiserView>().Index(f => f.NgoId);
            options.Schema.For<PostView>().Index(p => p.NgoId);
            options.Schema.For<SpendEntry>().Index(s => s.NgoId);
            options.Schema.For<PayoutEntry>().Index(p => p.NgoId);
            options.Schema.For<ProviderView>().Index(p => p.NgoId);
            options.Schema.For<ClickFact>().Index(c => c.NgoId).Index(c => c.PostId);
        });
}
