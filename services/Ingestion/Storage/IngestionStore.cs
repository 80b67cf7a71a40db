using Donations.Contracts.Ingestion;
using Donations.Ingestion.Catalog;
using Donations.Ingestion.Donors;
using Donations.Ingestion.Links;
using Donations.Ingestion.Ngos;
using Donations.Ingestion.Providers;
using Donations.Ingestion.Vk;
using Donations.Ingestion.Webhooks;
using Donations.Ingestion.Webhooks.YooKassa;
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
                options.Schema.For<Campaign>().Index(c => c.NgoId);
                options.Schema.For<Fundraiser>().Index(f => f.NgoId);
                options.Schema.For<Link>().Index(l => l.NgoId);
                options.Schema.For<VkConnection>();
                options.Schema.For<VkAdsConnection>();
                options.Schema.For<VkAdsDay>().Index(d => d.NgoId);
                options.Schema.For<VkPost>().Index(p => p.NgoId);
                options.Schema.For<DonationBalance>().UseOptimisticConcurrency(true);
                options.Schema.For<DonorKey>().Index(k => k.DonorId).Index(k => k.EmailLookup);
                CallbackHealth.Define(options);
            })
            .ForwardToBroker(
                typeof(NgoRegistered), typeof(ApiKeysChanged), typeof(NgoVerificationChanged), typeof(NgoTimeZoneChanged), typeof(ProviderConfigured), typeof(CampaignRegistered), typeof(FundraiserRegistered), typeof(CampaignChanged), typeof(FundraiserChanged),
                typeof(PostRegistered), typeof(SpendRecorded), typeof(ClickRecorded), typeof(DonationReceived), typeof(DonationRefunded), typeof(PayoutRecorded), typeof(DonorErased),
                typeof(PostStatsRefreshed), typeof(PaymentFailed), typeof(SubscriptionStatusChanged));
        builder.Services.AddSingleton<DonationIntake>();
        builder.Services.AddSingleton<ClickDetails>();
        builder.Services.AddSingleton<DonorVault>();
        builder.Services.AddHttpClient<KeyPropagation>(http => http.Timeout = TimeSpan.FromSeconds(2));
        builder.Services.AddMemoryCache(cache => cache.SizeLimit = 100_000);
        builder.Services.AddSingleton<ProviderSettingsCache>();
        builder.Services.AddSingleton<CallbackHealth>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CallbackHealth>());
        YooKassaApi.Register(builder);
    }
}
