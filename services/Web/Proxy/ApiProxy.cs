namespace Donations.Web.Proxy;

/// <summary>
/// <c>/api/**</c> passed on to the service that owns it (YARP; routes and service addresses are the <c>ReverseProxy</c>
/// configuration section): the app talks to one address. Keys travel in the Authorization header, which is passed on
/// as it came and never logged.
/// </summary>
public static class ApiProxy
{
    public static void AddApiProxy(this WebApplicationBuilder builder) =>
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

    public static void MapApiProxy(this WebApplication app) => app.MapReverseProxy();
}
