using System.Net;
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
}
