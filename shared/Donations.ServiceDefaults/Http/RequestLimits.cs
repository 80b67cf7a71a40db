using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Donations.ServiceDefaults.Http;

/// <summary>
/// Kestrel's limits for slow or huge requests, tighter than its defaults where no caller of ours needs more, and lines
/// that end in CR LF only. Any limit can be changed with Kestrel's own settings (<c>Kestrel__Limits__MaxRequestBodySize</c>
/// and so on).
/// </summary>
public static class RequestLimits
{
    /// <summary>No body we accept comes near this: webhooks stop at 64 KiB, management bodies are a few hundred bytes.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>A client that has not sent its headers by then is holding a connection open on purpose.</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Kestrel's own (internal) switch: a bare LF ends no line, so a proxy and Kestrel never split a request differently.</summary>
    public const string StrictLineEndings = "Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators";

    public static void AddRequestLimits(this IHostApplicationBuilder builder)
    {
        AppContext.SetSwitch(StrictLineEndings, true);
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

    /// <summary>
    /// Refuses, and closes the connection of, a request whose body could be framed two ways (RFC 9112 §6.1): a transfer
    /// coding other than <c>chunked</c>, or <c>Transfer-Encoding</c> on HTTP/1.0. Kestrel would pick one reading; a proxy
    /// in front might pick the other, and the rest of the connection would then be a request the proxy never checked.
    /// (Both <c>Content-Length</c> and <c>Transfer-Encoding</c> Kestrel settles itself: chunked wins, and it closes the
    /// connection after the request.)
    /// </summary>
    public static void UseRequestLimits(this WebApplication app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        var codings = request.Headers.TransferEncoding.ToString();
        var problem = codings.Length == 0 ? null
            : request.Protocol == HttpProtocol.Http10 ? "HTTP/1.0 has no Transfer-Encoding; send Content-Length."
            : !codings.Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase) ? $"Transfer-Encoding must be 'chunked', not '{codings}'."
            : null;
        if (problem is null)
        {
            await next(http);
            return;
        }
        http.Response.Headers.Connection = "close";
        await Problems.Of(StatusCodes.Status400BadRequest, "The request's framing is ambiguous", problem).ExecuteAsync(http);
    });
}
