using Donations.Attribution.Clicks;
using Donations.Attribution.Ledger;
using Donations.Attribution.Recurring;
using Donations.Attribution.Settings;
using Donations.Contracts.Attribution;
using Donations.ServiceDefaults.Messaging;
using Donations.ServiceDefaults.Storage;

namespace Donations.Attribution.Storage;

public static class AttributionStore
{
    public static void AddAttributionStore(this IHostApplicationBuilder builder)
    {
        builder.AddDonationsMarten("attribution", options =>
            {
                options.Schema.For<ClickTouchpoint>().UseOptimisticConcurrency(true).Index(t => t.NgoId).Index(t => t.VisitorId);
                options.Schema.For<Subscription>().UseOptimisticConcurrency(true);
                options.Schema.For<DonorVisitor>();
                options.Schema.For<VisitorDonations>().UseOptimisticConcurrency(true);
                options.Schema.For<DonationIndex>().Index(d => d.NgoId).Index(d => d.SettingsVersion);
                options.Schema.For<NgoSettings>();
                options.Schema.For<Reattribution>();
                options.Schema.For<SetAsideDonation>().Index(s => s.NgoId);
                options.Schema.For<FundraiserCampaign>();
            })
            .ForwardToBroker(typeof(DonationAttributed));
        builder.Services.AddScoped<Attributor>();
        builder.Services.AddSingleton<LedgerWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LedgerWriter>());
        builder.Services.AddSingleton<Reattributor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Reattributor>());
        builder.Services.AddHealthChecks().AddCheck<Reattributor>("reattribution");
    }
}
