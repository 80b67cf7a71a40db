using Donations.Contracts.Ingestion;
using Donations.Ingestion.Catalog;
using Donations.Ingestion.Links;
using Donations.Ingestion.Ngos;
using Donations.Ingestion.Providers;
using Donations.Ingestion.Webhooks;
using Donations.ServiceDefaults.Messaging;
using Donations.ServiceDefaults.Storage;

namespace Donations.Ingestion.Storage;

public static class IngestionStore
{
    public static void AddIngestionStore(this IHostApplicationBuilder builder)
    {
        builder.AddDonationsMarten("ingestion", options =>
            {
                options.Schema.For<NgoAccount>();
                options.Schema.For<ProviderSettings>().Index(p => p.NgoId);
                options.Schema.For<Post>().Index(p => p.NgoId);
                options.Schema.For<Link>().Index(l => l.NgoId);
                options.Schema.For<DonationBalance>().UseOptimisticConcurrency(true);
            })
            .ForwardToBroker(typeof(NgoRegistered), typeof(ClickRecorded), typeof(DonationReceived), typeof(DonationRefunded));
        builder.Services.AddSingleton<DonationIntake>();
    }
}
