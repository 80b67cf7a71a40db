using Donations.Attribution.Clicks;
using Donations.Contracts.Attribution;
using Donations.ServiceDefaults.Messaging;
using Donations.ServiceDefaults.Storage;

namespace Donations.Attribution.Storage;

public static class AttributionStore
{
    public static void AddAttributionStore(this IHostApplicationBuilder builder) =>
        builder.AddDonationsMarten("attribution", options =>
            {
                options.Schema.For<ClickTouchpoint>().UseOptimisticConcurrency(true);
            })
            .ForwardToBroker(typeof(DonationAttributed));
}
