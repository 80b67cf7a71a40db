using Donations.Ingestion.Webhooks.CloudPayments;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Telemetry;
using Donations.Ingestion.Webhooks.Generic;
using Donations.Ingestion.Webhooks.Vk;
using Donations.Ingestion.Webhooks.YooKassa;

namespace Donations.Ingestion.Webhooks;

public static class WebhookEndpoints
{
    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/webhooks").WithTags("Webhooks").AddEndpointFilter(CallbackOutcomes.RecordAsync).WithProviderDeadline().RequireRateLimiting(WebhookLimits.Policy).AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var provider = context.HttpContext.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
            var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : context.HttpContext.Response.StatusCode;
            DonationsTelemetry.Webhooks.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("status", status));
            return result;
        });
        webhooks.MapPost("/generic/{ngo}", GenericWebhook.Receive)
            .WithSummary("Our JSON format, signed with Donations-Signature or per Standard Webhooks 1.0 (webhook-id, webhook-timestamp, webhook-signature).");
        webhooks.MapPost("/cloudpayments/{ngo}/{kind?}", CloudPaymentsWebhook.Receive)
            .WithSummary("CloudPayments notifications; kind is check, pay, confirm, cancel, fail, refund or recurrent (read from the body when left out).");
        webhooks.MapPost("/vk/{ngo}", VkWebhook.Receive);
        webhooks.MapPost("/yookassa/{ngo}", YooKassaWebhook.Receive);
    }
}
