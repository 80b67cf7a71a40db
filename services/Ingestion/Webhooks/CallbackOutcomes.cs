using Donations.Ingestion.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Donations.Ingestion.Webhooks;

/// <summary>
/// Tells <see cref="CallbackHealth"/> how each webhook delivery ended: 2xx is accepted, anything else refused with its
/// reason. Counted only for an NGO the gate found (<see cref="NgoIsKnown"/>): anyone can post to a made-up NGO id.
/// </summary>
public static class CallbackOutcomes
{
    private const string Known = "callback-health:ngo-known";

    public static void NgoIsKnown(HttpContext http) => http.Items[Known] = true;

    public static async ValueTask<object?> RecordAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            // The exception handler answers it (503 when storage is down); the provider will deliver it again.
            await RecordAsync(http, 503, "The notification could not be stored just then.");
            throw;
        }
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        await RecordAsync(http, status, (result as ProblemHttpResult)?.ProblemDetails.Detail);
        return result;
    }

    private static async Task RecordAsync(HttpContext http, int status, string? detail)
    {
        if (http.Request.RouteValues["ngo"] is not string ngo) return;
        var provider = http.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "";
        // Refused before the NGO was looked up (the body's type or size): it is known if the provider is set up for it.
        if (!http.Items.ContainsKey(Known) && !(status is 413 or 415
                && await http.RequestServices.GetRequiredService<ProviderSettingsCache>().FindAsync(ngo, provider, http.RequestAborted) is not null))
            return;
        var health = http.RequestServices.GetRequiredService<CallbackHealth>();
        if (status is >= 200 and < 300) health.Accepted(ngo, provider);
        else
        {
            var (code, reason) = CallbackReasons.For(provider, status, detail);
            health.Refused(ngo, provider, status, code, reason, detail ?? "");
        }
    }
}
