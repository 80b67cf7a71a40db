using Microsoft.Extensions.Diagnostics.HealthChecks;
using Donations.ServiceDefaults.Health;

namespace Donations.Web.App;

/// <summary>
/// The built app (wwwroot, from app/ by npm) at <c>/</c>. Its pages put data in the DOM as text only; the content
/// security policy lets no script run but the app's own, so a post's text can never become code.
/// </summary>
public static class PeopleApp
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: http: https:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static void AddPeopleApp(this WebApplicationBuilder builder) =>
        builder.Services.AddHealthChecks().AddCheck("app", () =>
            File.Exists(Path.Combine(builder.Environment.ContentRootPath, "wwwroot", "index.html"))
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The app is not built: wwwroot/index.html is missing (dotnet build builds it with npm)."),
            [HealthTags.Ready]);

    public static void MapPeopleApp(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api"))
            {
                context.Response.Headers.ContentSecurityPolicy = Policy;
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers["Referrer-Policy"] = "no-referrer";
            }
            await next();
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
    }
}
