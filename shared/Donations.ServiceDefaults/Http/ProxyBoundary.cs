using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Donations.ServiceDefaults.Http;

/// <summary>
/// Where the service's own reverse proxies end and the internet begins. <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed only from a direct peer in <see cref="Setting"/>, hop by hop, up to the first
/// address that is not itself a trusted proxy; from anyone else they are ignored. Without the setting no forwarded
/// header is read at all, and the direct peer is the client.
/// </summary>
public static class ProxyBoundary
{
    public const string Setting = "Donations:TrustedProxyNetworks";

    public static void AddProxyBoundary(this IHostApplicationBuilder builder)
    {
        var networks = Networks(builder.Configuration);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            // The defaults trust loopback; an empty list would trust everyone. Only the configured networks are trusted.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in networks) options.KnownIPNetworks.Add(network);
            options.ForwardedHeaders = networks.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Walk back through every trusted hop (Ingress behind a cloud load balancer), never past an untrusted one.
            options.ForwardLimit = null;
        });
    }

    public static void UseProxyBoundary(this WebApplication app)
    {
        if (Networks(app.Configuration).Count > 0) app.UseForwardedHeaders();
    }

    /// <summary>The trusted networks: CIDRs or single addresses, separated by commas or spaces; a bad entry stops start-up.</summary>
    public static IReadOnlyList<IPNetwork> Networks(IConfiguration configuration)
    {
        var entries = (configuration[Setting] ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection(Setting).GetChildren().Select(c => c.Value ?? ""));
        var networks = new List<IPNetwork>();
        foreach (var entry in entries.Where(e => e.Length > 0))
        {
            var cidr = entry.Contains('/') ? entry : entry + (entry.Contains(':') ? "/128" : "/32");
            if (!IPNetwork.TryParse(cidr, out var network))
                throw new InvalidOperationException(
                    $"'{Setting.Replace(":", "__")}' has '{entry}', which is not a network such as \"10.0.0.0/8\" or an address such as \"10.1.2.3\".");
            networks.Add(network);
        }
        return networks;
    }
}
