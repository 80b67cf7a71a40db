using Donations.Ingestion.Webhooks.Generic;

namespace Donations.Ingestion.Webhooks;

public static class WebhookEndpoints
{
    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("/generic/{ngo}", GenericWebhook.Receive);
    }
}
