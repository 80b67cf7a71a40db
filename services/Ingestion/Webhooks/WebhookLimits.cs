using Donations.ServiceDefaults.Http;

namespace Donations.Ingestion.Webhooks;

/// <summary>
/// An abuse limit per NGO and provider, checked before a webhook's body is read or its signature computed. Not per
/// address: a provider sends every NGO's notifications from a handful of addresses.
/// </summary>
public static class WebhookLimits
{
    public const string Policy = "webhooks-per-provider";
    public const int DefaultPerProvider = 3000;

    public static void AddWebhookLimits(this IHostApplicationBuilder builder)
    {
        var permits = builder.Configuration.GetValue("RateLimits:WebhooksPerProvider", DefaultPerProvider);
        builder.AddKeyedLimit(Policy, permits, $"{permits} webhooks from one provider for one NGO {RateLimits.Per(builder.Configuration)}",
            http => http.Request.RouteValues["ngo"] is string ngo
                ? $"{http.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1)}/{ngo}"
                : null);
    }
}
