using Donations.Ingestion.Links;

namespace Donations.UnitTests.Links;

public class LinkTargetTests
{
    [Theory]
    [InlineData("https://pay.example.org/give?lang=ru", "https://pay.example.org/give?lang=ru")]
    [InlineData("http://pay.example.org:8080/a b", "http://pay.example.org:8080/a%20b")]
    [InlineData("https://фонд.рф/пожертвовать?сумма=500#форма",
        "https://xn--d1arcx.xn--p1ai/%D0%BF%D0%BE%D0%B6%D0%B5%D1%80%D1%82%D0%B2%D0%BE%D0%B2%D0%B0%D1%82%D1%8C?%D1%81%D1%83%D0%BC%D0%BC%D0%B0=500#%D1%84%D0%BE%D1%80%D0%BC%D0%B0")]
    [InlineData("https://pay.example.org:443/x%0d%0a", "https://pay.example.org/x%0d%0a")]
    public void A_target_is_kept_in_the_ascii_form_a_location_header_can_carry(string given, string kept) =>
        Assert.Equal((kept, null), LinkTarget.Parse(given));

    [Theory]
    [InlineData("javascript:alert(1)", "other schemes")]
    [InlineData("data:text/html,<script>alert(1)</script>", "other schemes")]
    [InlineData("ftp://pay.example.org/", "other schemes")]
    [InlineData("//pay.example.org/give", "other schemes")]
    [InlineData("https://pay.example.org/x\r\nSet-Cookie: a=b", "control characters")]
    [InlineData("https://pay.example.org/\u0000", "control characters")]
    [InlineData("https://user:password@pay.example.org/", "user name or password")]
    [InlineData("", "absolute http(s) URL")]
    [InlineData(null, "absolute http(s) URL")]
    public void Anything_but_an_http_url_without_control_characters_is_refused_naming_the_field(string? given, string rule)
    {
        var (target, problem) = LinkTarget.Parse(given);
        Assert.Null(target);
        Assert.Contains("'targetUrl'", problem);
        Assert.Contains(rule, problem);
    }

    [Fact]
    public void An_overlong_target_is_refused() => Assert.Contains("at most 2000", LinkTarget.Parse("https://pay.example.org/" + new string('a', 2000)).Problem);

    [Theory]
    [InlineData("https://pay.example.org/give", "https://pay.example.org/give?click_id=c1")]
    [InlineData("https://pay.example.org/give?lang=ru&utm_source=site#form", "https://pay.example.org/give?lang=ru&utm_source=vk_ads&click_id=c1#form")]
    [InlineData("https://pay.example.org/give?a=%20+b&click_id=old", "https://pay.example.org/give?a=%20+b&click_id=c1")]
    public void Parameters_replace_their_namesakes_and_the_rest_of_the_query_is_kept_byte_for_byte(string target, string redirect)
    {
        var parameters = target.Contains("utm_source") ? new Dictionary<string, string> { ["utm_source"] = "vk_ads", ["click_id"] = "c1" } : new() { ["click_id"] = "c1" };
        Assert.Equal(redirect, LinkTarget.With(target, parameters));
    }

    [Fact]
    public void Passed_on_values_are_percent_encoded_so_nothing_can_break_out_of_the_query() =>
        Assert.Equal("https://pay.example.org/?rb_clickid=a%26b%3Dc%23d%20%D1%8F", LinkTarget.With("https://pay.example.org/", [new("rb_clickid", "a&b=c#d я")]));
}
