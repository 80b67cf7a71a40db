using Donations.Ingestion.Webhooks.CloudPayments;
using Donations.Ingestion.Webhooks.Generic;
using Donations.Ingestion.Webhooks.Vk;
using Donations.Ingestion.Webhooks.YooKassa;

namespace Donations.Ingestion.Webhooks;

public static class WebhookEndpoints
{
    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("/generic/{ngo}", GenericWebhook.Receive);
        webhooks.MapPost("/cloudpayments/{ngo}/{kind?}", CloudPaymentsWebhook.Receive);
        webhooks.MapPost("/vk/{ngo}", VkWebhook.Receive);
        webhooks.MapPost("/yookassa/{ngo}", YooKassaWebhook.Receive);
    }
}
