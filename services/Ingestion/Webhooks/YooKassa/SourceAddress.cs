using System.Net;
using Donations.Ingestion.Providers;

namespace Donations.Ingestion.Webhooks.YooKassa;

public static class SourceAddress
{
    /// <summary>
    /// The address a request came from. <c>X-Forwarded-For</c> is believed only when the direct peer is one of the
    /// NGO's trusted proxies, and then only up to the first hop that is not itself a trusted proxy.
    /// </summary>
    public static IPAddress? Of(HttpContext http, IReadOnlyList<string> trustedProxies)
    {
        var peer = http.Connection.RemoteIpAddress;
        if (peer is null || trustedProxies.Count == 0 || !YooKassaNetworks.Contains(trustedProxies, peer)) return peer;
        var hops = http.Request.Headers["X-Forwarded-For"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var hop in hops.Reverse())
        {
            if (!IPAddress.TryParse(hop, out var address)) return null;
            if (!YooKassaNetworks.Contains(trustedProxies, address)) return address;
        }
        return peer;
    }
}
