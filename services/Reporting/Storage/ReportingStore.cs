using Donations.Reporting.Catalog;
using Donations.Reporting.Donations;
using Donations.Reporting.Facts;
using Donations.Reporting.OutgoingWebhooks;
using Donations.Reporting.Reconciliation;
using Donations.ServiceDefaults.Storage;

namespace Donations.Reporting.Storage;

public static class ReportingStore
{
    public static void AddReportingStore(this IHostApplicationBuilder builder)
    {
        builder.AddDonationsMarten("reporting", options =>
        {
            // Reports sum these columns; the (ngo, occurred_at) index serves every "this NGO, this period" scan.
            options.Schema.For<DonationView>().UseOptimisticConcurrency(true)
                .Duplicate(d => d.NgoId).Duplicate(d => d.OccurredAt).Duplicate(d => d.Currency).Duplicate(d => d.AmountMinor)
                .Duplicate(d => d.RefundedMinor).Duplicate(d => d.FeeMinor).Duplicate(d => d.AttributedMinor).Duplicate(d => d.Status)
                .Duplicate(d => d.Reason).Duplicate(d => d.Provider).Duplicate(d => d.DonorId).Index(d => d.ProviderTxId)
                .Index([d => d.NgoId, d => d.OccurredAt]).IndexLastModified();
            options.Schema.For<LedgerEntry>().Index(e => e.NgoId).Index(e => e.DonationId);
            options.Schema.For<NgoProfile>();
            options.Schema.For<CampaignView>().Index(c => c.NgoId);
            options.Schema.For<FundraiserView>().Index(f => f.NgoId);
            options.Schema.For<PostView>().Index(p => p.NgoId);
            options.Schema.For<PostStatsView>().Index(p => p.NgoId);
            options.Schema.For<SpendEntry>().Index(s => s.NgoId);
            options.Schema.For<PayoutEntry>().Index(p => p.NgoId);
            options.Schema.For<ProviderView>().Index(p => p.NgoId);
            // Reconciliation's passes between full ones: what was stored since the last, and each donation's documents.
            options.Schema.For<AcceptedMoney>().Index(a => a.NgoId).Index(a => a.DonationId).IndexLastModified();
            options.Schema.For<ErasedDonor>();
            options.Schema.For<ClickFact>().Index(c => c.NgoId).Index(c => c.PostId);
            options.Schema.For<WebhookEndpoint>().UseOptimisticConcurrency(true).Index(e => e.NgoId);
            // The dispatcher's scan: pending deliveries by when they are due.
            options.Schema.For<WebhookDelivery>().UseOptimisticConcurrency(true).Duplicate(d => d.Status).Duplicate(d => d.NextAttemptAt)
                .Duplicate(d => d.EndpointId).Index([d => d.Status, d => d.NextAttemptAt]);
            options.Schema.For<FundraiserMilestone>();
            options.Schema.For<FundraiserToCheck>();
            options.AddFactTables();
            options.AddNgoZones();
        });
        builder.Services.AddHostedService<ZoneMover>();
    }
}
