using System.Net;

namespace Donations.Ingestion.Providers;

/// <summary>Where YooKassa says its notifications come from; an NGO may replace the list.</summary>
public static class YooKassaNetworks
{
    public static readonly IReadOnlyList<string> Published =
    [
        "185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11/32", "77.75.156.35/32", "77.75.154.128/25", "2a02:5180::/32",
    ];

    public static bool TryParse(string cidr, out IPNetwork network) => IPNetwork.TryParse(cidr.Contains('/') ? cidr : cidr + (cidr.Contains(':') ? "/128" : "/32"), out network);

    public static bool Contains(IEnumerable<string> networks, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return networks.Any(n => TryParse(n, out var network) && network.Contains(address));
    }
}
