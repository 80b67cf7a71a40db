using System.Net;
using System.Security.Cryptography;
using System.Text;
using Donations.Testing;

namespace Donations.EndToEndTests;

/// <summary>
/// The whole system as it stands on the open internet: Ingestion behind a real nginx (<see cref="Nginx"/>) that is its
/// only trusted proxy, small abuse limits over a long window (so a test sees a limit reached and never a refill), a
/// known IP-hash salt, and a short wait for request headers.
/// </summary>
public sealed class EdgeSystem : DonationsSystem
{
    public const string IpHashSalt = "edge-test-salt-0123456789";
    public const int RedirectsPerClient = 5;
    public const int RedirectsPerLink = 8;
    public const int WebhooksPerProvider = 4;

    public Nginx Proxy { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Donations__TrustedProxyNetworks"] = $"{Nginx.ProxyAddress}/32",
        ["Donations__IpHashSalt"] = IpHashSalt,
        ["RateLimits__Window"] = "01:00:00",
        ["RateLimits__RedirectsPerClient"] = RedirectsPerClient.ToString(),
        ["RateLimits__RedirectsPerLink"] = RedirectsPerLink.ToString(),
        ["RateLimits__WebhooksPerProvider"] = WebhooksPerProvider.ToString(),
        ["Kestrel__Limits__RequestHeadersTimeout"] = "00:00:02",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Proxy = await Nginx.StartAsync(Ingestion.BaseAddress);
    }

    public override async Task DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>A visitor or sender at <paramref name="address"/> going through the proxy, over HTTPS unless told otherwise.</summary>
    public HttpClient ThroughProxy(string address, bool https = true) =>
        Nginx.ClientFrom(IPAddress.Parse(address), https ? Proxy.Https : Proxy.Http, Proxy.Certificate);

    /// <summary>A client at <paramref name="address"/> talking to Ingestion directly, past the proxy.</summary>
    public HttpClient Direct(string address) => Nginx.ClientFrom(IPAddress.Parse(address), Ingestion.BaseAddress);

    /// <summary>What Ingestion should store for a click from <paramref name="address"/>: the documented salted hash.</summary>
    public static string IpHashOf(string address) => Convert.ToHexStringLower(HMACSHA256.HashData(
        SHA256.HashData(Encoding.UTF8.GetBytes("ip-salt:" + IpHashSalt)), IPAddress.Parse(address).MapToIPv6().GetAddressBytes()))[..32];
}

[CollectionDefinition(Name)]
public sealed class EdgeCollection : ICollectionFixture<EdgeSystem>
{
    public const string Name = "edge";
}
