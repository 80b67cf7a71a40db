using System.Net;
using Donations.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Donations.UnitTests.Http;

public class EdgeTests
{
    private static IConfiguration With(string? networks) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ProxyBoundary.Setting] = networks }).Build();

    [Fact]
    public void Trusted_proxy_networks_are_cidrs_or_addresses_and_none_by_default()
    {
        Assert.Empty(ProxyBoundary.Networks(With(null)));
        Assert.Equal(["10.0.0.0/8", "10.1.2.3/32", "fd00::/8", "::1/128"],
            ProxyBoundary.Networks(With("10.0.0.0/8, 10.1.2.3 fd00::/8;::1")).Select(n => n.ToString()));
    }

    [Fact]
    public void A_bad_trusted_proxy_entry_stops_start_up_naming_the_setting_and_the_entry()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ProxyBoundary.Networks(With("10.0.0.0/8,proxy.internal")));
        Assert.Contains("Donations__TrustedProxyNetworks", e.Message);
        Assert.Contains("'proxy.internal'", e.Message);
    }

    /// <summary>The client and scheme ASP.NET Core's forwarded-headers middleware finds, configured as every service configures it.</summary>
    private static (string Client, string Scheme) Seen(string? trusted, string peer, string? forwardedFor, string? proto = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[ProxyBoundary.Setting] = trusted;
        builder.AddProxyBoundary();
        var options = builder.Services.BuildServiceProvider().GetRequiredService<IOptions<ForwardedHeadersOptions>>();
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        http.Request.Scheme = "http";
        if (forwardedFor is not null) http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        if (proto is not null) http.Request.Headers["X-Forwarded-Proto"] = proto;
        new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, options).ApplyForwarders(http);
        return (http.Connection.RemoteIpAddress!.ToString(), http.Request.Scheme);
    }

    [Fact]
    public void Forwarded_headers_are_believed_only_from_a_trusted_proxy_and_only_up_to_the_first_untrusted_hop()
    {
        Assert.Equal(("203.0.113.9", "https"), Seen("10.0.0.0/24", "10.0.0.5", "203.0.113.9", "https"));
        // Through two of our proxies: the walk goes past both, and stops at the client however much it claimed before.
        Assert.Equal(("203.0.113.9", "http"), Seen("10.0.0.0/24", "10.0.0.5", "185.71.76.5, 203.0.113.9, 10.0.0.7"));
        // From anyone else, nothing forwarded is read; nor from loopback unless it is named.
        Assert.Equal(("198.51.100.1", "http"), Seen("10.0.0.0/24", "198.51.100.1", "185.71.76.5", "https"));
        Assert.Equal(("127.0.0.1", "http"), Seen("10.0.0.0/24", "127.0.0.1", "185.71.76.5", "https"));
        // Without the setting, never: the direct peer is the client.
        Assert.Equal(("10.0.0.5", "http"), Seen(null, "10.0.0.5", "185.71.76.5", "https"));
        // An address the proxy wrote badly is not a client: the proxy itself stays the source.
        Assert.Equal(("10.0.0.5", "http"), Seen("10.0.0.0/24", "10.0.0.5", "not-an-address"));
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void A_client_is_an_ipv4_address_or_an_ipv6_slash_64(string address, string key) =>
        Assert.Equal(key, RateLimits.ClientKey(IPAddress.Parse(address)));
}
