using Donations.ServiceDefaults.Webhooks;

namespace Donations.Reporting.OutgoingWebhooks;

public static class OutgoingWebhooksSetup
{
    /// <summary>
    /// Endpoint secrets under Data Protection (set up with the store: its key ring is in Reporting's schema, shared by the
    /// replicas), the outbox, the dispatcher and its HTTP client, and the fundraiser watch.
    /// </summary>
    public static void AddOutgoingWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<OutgoingWebhookOptions>(builder.Configuration.GetSection("OutgoingWebhooks"));
        var allowInsecure = builder.Configuration.GetValue("OutgoingWebhooks:AllowInsecureTargets", false);
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddSingleton<WebhookOutbox>();
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, client =>
            {
                // The dispatcher's own deadline times each attempt.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Donations-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect is a failure: the receiver should register its new URL (Standard Webhooks).
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = (context, ct) => TargetAddresses.ConnectAsync(context.DnsEndPoint, allowInsecure, ct),
            });
        builder.Services.AddHostedService<WebhookDispatcher>();
        builder.Services.AddHostedService<FundraiserWatch>();
    }
}
