using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Web;

namespace Donations.EndToEndTests;

[Collection(SystemCollection.Name)]
public class LinkTests(DonationsSystem system)
{
    [Fact]
    public async Task A_tracked_link_redirects_to_the_payment_page_keeping_its_query_and_adding_the_click_id()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-3001_1", "spring"), "https://pay.example.org/give?fund=kids&lang=ru");

        var response = await ngo.FollowAsync(code);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("https://pay.example.org/give", location.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("kids", query["fund"]);
        Assert.Equal("ru", query["lang"]);
        Assert.True(Guid.TryParse(query["click_id"], out _));
    }

    [Fact]
    public async Task Every_click_gets_its_own_id_and_a_visitor_keeps_their_cookie()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-3001_2", "spring"));

        var first = await ngo.FollowAsync(code);
        var visitorCookie = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dvid=", StringComparison.Ordinal));
        Assert.Contains("httponly", visitorCookie, StringComparison.OrdinalIgnoreCase);
        var visitor = visitorCookie.Split(';')[0];

        var second = await ngo.FollowAsync(code, cookie: visitor);
        Assert.Equal(visitor, second.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dvid=", StringComparison.Ordinal)).Split(';')[0]);
        Assert.NotEqual(first.Headers.Location, second.Headers.Location);
    }

    [Fact]
    public async Task An_unknown_code_is_404()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        Assert.Equal(HttpStatusCode.NotFound, (await ngo.FollowAsync("nosuchcode")).StatusCode);
    }

    [Theory]
    [InlineData("javascript:alert(document.cookie)", "other schemes")]
    [InlineData("data:text/html;base64,PHNjcmlwdD4=", "other schemes")]
    [InlineData("https://pay.example.org/give\r\nSet-Cookie: dvid=attacker", "control characters")]
    [InlineData("https://donor:secret@pay.example.org/give", "user name or password")]
    [InlineData("/give", "absolute http(s) URL")]
    public async Task A_link_leads_only_to_an_http_url_that_cannot_break_the_redirect(string targetUrl, string rule)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var postId = await ngo.RegisterPostAsync("wall-3001_6", "targets");
        var response = await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/links", new { postId, targetUrl });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail");
        Assert.Contains("'targetUrl'", detail);
        Assert.Contains(rule, detail);
    }

    [Fact]
    public async Task A_payment_page_with_a_cyrillic_address_is_reached_in_the_form_a_location_header_carries()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-3001_7", "idn"), "https://фонд.рф/помочь?сумма=500");

        var response = await ngo.FollowAsync(code);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://xn--d1arcx.xn--p1ai/%D0%BF%D0%BE%D0%BC%D0%BE%D1%87%D1%8C?%D1%81%D1%83%D0%BC%D0%BC%D0%B0=500&click_id=",
            response.Headers.GetValues("Location").Single());
    }
}
