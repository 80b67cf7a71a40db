using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Donations.ServiceDefaults.Http;

/// <summary>
/// Kestrel's limits for slow or huge requests, tighter than its defaults where no caller of ours needs more. Any of
/// them can be changed with Kestrel's own settings (<c>Kestrel__Limits__MaxRequestBodySize</c> and so on).
/// </summary>
public static class RequestLimits
{
    /// <summary>No body we accept comes near this: webhooks stop at 64 KiB, management bodies are a few hundred bytes.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>A client that has not sent its headers by then is holding a connection open on purpose.</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);

    public static void AddRequestLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Limits.RequestHeadersTimeout = RequestHeadersTimeout;
            // Kept at Kestrel's defaults, stated so they are known: 32 KiB of headers, 100 headers, an 8 KiB request
            // line, bodies and responses at 240 bytes/s after a 5 s grace, and 130 s keep-alive (longer than a proxy's
            // upstream keep-alive, so the proxy never reuses a connection Kestrel is closing).
        });
        // Kestrel's own settings, when given, win over the lines above.
        builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));
    }
}
