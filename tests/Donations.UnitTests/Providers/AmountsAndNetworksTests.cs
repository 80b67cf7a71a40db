using System.Net;
using Donations.Contracts.Money;
using Donations.Ingestion.Links;
using Donations.Ingestion.Providers;

namespace Donations.UnitTests.Providers;

public class AmountsAndNetworksTests
{
    [Theory]
    [InlineData("123.00", "RUB", 12300)]
    [InlineData("49.8", "RUB", 4980)]
    [InlineData("0.01", "RUB", 1)]
    [InlineData("1500", "JPY", 1500)]
    public void Provider_amounts_become_exact_minor_units(string text, string currency, long expected)
    {
        Assert.True(Amounts.TryParseMajor(text, currency, out var minor));
        Assert.Equal(expected, minor);
    }

    [Theory]
    [InlineData("1.001", "RUB")]
    [InlineData("1.5", "JPY")]
    [InlineData("abc", "RUB")]
    [InlineData("1,00", "RUB")]
    [InlineData("1.00", "XYZ")]
    public void Fractions_of_a_minor_unit_and_unknown_currencies_are_refused(string text, string currency) =>
        Assert.False(Amounts.TryParseMajor(text, currency, out _));

    [Theory]
    [InlineData("185.71.76.5", true)]
    [InlineData("77.75.156.11", true)]
    [InlineData("77.75.156.12", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("2a02:5180::1", true)]
    [InlineData("::ffff:185.71.77.1", true)]
    public void YooKassas_published_networks(string address, bool inside) =>
        Assert.Equal(inside, YooKassaNetworks.Contains(YooKassaNetworks.Published, IPAddress.Parse(address)));

    [Theory]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1", "mobile")]
    [InlineData("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) Safari/604.1", "tablet")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36", "desktop")]
    [InlineData("Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)", "bot")]
    public void Clicks_are_classed_by_device(string userAgent, string expected) => Assert.Equal(expected, UserAgents.DeviceClass(userAgent));
}
