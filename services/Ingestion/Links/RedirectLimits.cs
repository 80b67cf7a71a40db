using Donations.ServiceDefaults.Http;

namespace Donations.Ingestion.Links;

/// <summary>
/// Abuse limits on <c>/r/{code}</c>, per client address and per link. The defaults let a viral post's burst through
/// (docs/benchmarks.md has the measurement) and stop one address or one link being used to flood the click store.
/// </summary>
public static class RedirectLimits
{
    public const string PerLinkPolicy = "redirects-per-link";
    public const int DefaultPerClient = 120;
    public const int DefaultPerLink = 6000;

    public static void AddRedirectLimits(this IHostApplicationBuilder builder)
    {
        var permits = builder.Configuration.GetValue("RateLimits:RedirectsPerLink", DefaultPerLink);
        builder.AddKeyedLimit(PerLinkPolicy, permits, $"{permits} redirects of one link {RateLimits.Per(builder.Configuration)}",
            http => http.Request.RouteValues["code"] is string { Length: <= 32 } code ? code : "not-a-code");
    }

    public static PerClientLimit PerClient(IConfiguration configuration)
    {
        var permits = configuration.GetValue("RateLimits:RedirectsPerClient", DefaultPerClient);
        return new PerClientLimit("redirects", permits, $"{permits} redirects from one address {RateLimits.Per(configuration)}");
    }
}
