using System.Text.Json;
using Donations.ServiceDefaults.Health;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Scalar.AspNetCore;

namespace Donations.ServiceDefaults.Hosting;

public static class ServiceDefaults
{
    /// <summary>
    /// Telemetry, health checks, RFC 7807 errors, OpenAPI, and the edge (trusted proxies, rate limits, Kestrel's
    /// request limits): what every Donations service has.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddDonationsTelemetry();
        builder.AddProxyBoundary();
        builder.AddRateLimits();
        builder.AddRequestLimits();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks();
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // ASP.NET Core refuses a body of another type with a bare 415; say what the route takes.
            if (context.ProblemDetails is { Status: StatusCodes.Status415UnsupportedMediaType, Detail: null } unsupported)
                unsupported.Detail = "The body must be JSON, sent with 'Content-Type: application/json'.";
        });
        builder.Services.AddUnavailableAnswers();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c>, <c>/health/ready</c>, <c>/health</c> (every check, for people: a degraded check shows here
    /// without taking the instance out of service), <c>/metrics</c> (Prometheus), <c>/openapi/v1.json</c> and the API page
    /// at <c>/api-docs</c>; in front of everything, the proxy boundary (so the rest sees the real client) and the rate limiter.
    /// A service without NGO keys of its own (the web app, which passes <c>/api</c> on) leaves out <paramref name="keyEndpoints"/>.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, bool keyEndpoints = true)
    {
        app.UseProxyBoundary();
        app.UseRequestLimits();
        app.UseExceptionHandler();
        app.UseRateLimiter();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealth });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready), ResponseWriter = WriteHealth });
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealth });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOpenApi();
        app.MapScalarApiReference("/api-docs");
        if (!keyEndpoints) return app;
        app.MapGet("/api/ngos/{ngo}/keys", KeyUse.ListAsync).RequireNgoKey(NgoRoles.Manager).WithTags("Keys");
        app.MapGet("/internal/keys/{hash}", KeyUse.StateAsync).ExcludeFromDescription();
        return app;
    }

    /// <summary>Every check with its data; what names NGOs (<see cref="HealthData.ForAdmin"/>) only for the admin key.</summary>
    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        var admin = NgoAccess.IsAdmin(context);
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description,
                data = admin ? e.Value.Data : e.Value.Data.Where(d => d.Key != HealthData.ForAdmin).ToDictionary(),
            }),
        });
    }
}
