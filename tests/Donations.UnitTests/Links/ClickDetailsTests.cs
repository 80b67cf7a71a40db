using System.Net;
using Donations.Ingestion.Links;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Donations.UnitTests.Links;

public class ClickDetailsTests
{
    private static ClickDetails With(string salt) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Donations:IpHashSalt"] = salt }).Build());

    [Fact]
    public void The_ip_is_kept_only_as_a_salted_hash_stable_for_one_salt()
    {
        var address = IPAddress.Parse("203.0.113.7");
        var hash = With("salt-a").IpHash(address)!;
        Assert.Equal(hash, With("salt-a").IpHash(address));
        Assert.NotEqual(hash, With("salt-b").IpHash(address));
        Assert.DoesNotContain("203", hash);
        Assert.Equal(32, hash.Length);
    }

    [Fact]
    public void Every_utm_tag_and_vk_ads_click_id_of_sane_length_is_passed_on_and_nothing_else()
    {
        var query = new QueryCollection(new Dictionary<string, StringValues>
        {
            ["utm_source"] = "vk", ["utm_campaign"] = "winter", ["utm_id"] = "42", ["utm_term"] = new string('x', 300), ["ref"] = "other",
            ["rb_clickid"] = "2093477-abc", ["utm_content"] = "a\r\nSet-Cookie: x=1", ["utm_medium"] = new StringValues(["cpc", "cpm"]),
            ["utm_bad key"] = "x",
        });
        var passed = ClickDetails.PassedOn(query);
        Assert.Equal(new Dictionary<string, string> { ["utm_source"] = "vk", ["utm_campaign"] = "winter", ["utm_id"] = "42" }, passed.Utm);
        Assert.Equal("2093477-abc", passed.VkAdsClickId);
        Assert.Equal(["utm_source", "utm_campaign", "utm_id", "rb_clickid"], passed.Parameters.Select(p => p.Key));
        Assert.Equal(new PassedOn(null, null), ClickDetails.PassedOn(new QueryCollection()));
    }

    [Theory]
    [InlineData("https://vk.com/wall-1_2?x=1", "vk.com")]
    [InlineData("https://M.VK.COM/feed", "m.vk.com")]
    [InlineData("not a url", null)]
    [InlineData(null, null)]
    public void The_referrer_is_reduced_to_its_host(string? referrer, string? host) => Assert.Equal(host, ClickDetails.ReferrerHost(referrer));
}
