using System.Net;
using System.Net.Http.Json;
using System.Text;
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

    [Fact]
    public async Task A_vk_ads_click_passes_rb_clickid_and_utm_tags_on_to_the_payment_page_keeps_them_and_counts_as_paid()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var post = await ngo.RegisterPostAsync("wall-3001_4", "ads");
        var code = await ngo.CreateLinkAsync(post, "https://pay.example.org/give?lang=ru&utm_source=site");

        var ad = await ngo.FollowAsync($"{code}?rb_clickid=3487234-77a2&utm_source=vk_ads&utm_medium=cpc&utm_campaign=winter&utm_referrer=vk&ref=dropped");
        Assert.Equal(HttpStatusCode.Redirect, ad.StatusCode);
        var query = HttpUtility.ParseQueryString(ad.Headers.Location!.Query);
        Assert.Equal("https://pay.example.org/give", ad.Headers.Location.GetLeftPart(UriPartial.Path));
        Assert.Equal(
            new Dictionary<string, string> { ["lang"] = "ru", ["utm_source"] = "vk_ads", ["utm_medium"] = "cpc", ["utm_campaign"] = "winter", ["utm_referrer"] = "vk", ["rb_clickid"] = "3487234-77a2" },
            query.AllKeys.Where(k => k != "click_id").ToDictionary(k => k!, k => query[k]!));
        var adClick = await system.ClickEventAsync(query["click_id"]!);
        Assert.Equal("3487234-77a2", adClick.Str("vkAdsClickId"));
        Assert.Equal(("vk_ads", "winter"), (adClick["utm"]!.Str("utm_source"), adClick["utm"]!.Str("utm_campaign")));

        var organic = await ngo.ClickAsync(code);
        Assert.Null((await system.ClickEventAsync(organic))["vkAdsClickId"]);
        await ngo.FollowAsync($"{code}?rb_clickid=99-bot", "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)");

        JsonNode line = null!;
        await Eventually.Async(async () =>
        {
            line = (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/posts"))!.SingleOrDefault(p => p!.Str("postId") == post)!;
            return line is not null && line.Long("clicks") + line.Long("botClicks") == 3;
        }, "the clicks reach Reporting");
        Assert.Equal((2L, 1L, 1L, 1L), (line.Long("clicks"), line.Long("paidClicks"), line.Long("organicClicks"), line.Long("botClicks")));
        var csv = (await ngo.Reporting.GetStringAsync($"/api/ngos/{ngo.NgoId}/reports/posts?format=csv")).TrimStart('\uFEFF').Split("\r\n");
        var columns = csv[0].Split(',');
        var row = csv.Single(r => r.StartsWith(post + ",", StringComparison.Ordinal)).Split(',');
        Assert.Equal(("1", "1"), (row[Array.IndexOf(columns, "paid_clicks")], row[Array.IndexOf(columns, "organic_clicks")]));
    }

    [Fact]
    public async Task Nothing_in_the_incoming_url_can_add_a_header_to_the_redirect()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-3001_5", "injection"));

        var response = await ngo.FollowAsync($"{code}?rb_clickid=%0d%0aSet-Cookie:%20dvid%3Dattacker&utm_source=a%0d%0aX-Injected:%201&utm_campaign=ok%22%3E%3Cscript%3E");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.GetValues("Location").Single();
        Assert.DoesNotContain('\r', location);
        Assert.DoesNotContain('\n', location);
        Assert.DoesNotContain("<", location);
        Assert.False(response.Headers.Contains("X-Injected"));
        Assert.DoesNotContain(response.Headers.GetValues("Set-Cookie"), c => c.Contains("attacker", StringComparison.Ordinal));
        var query = HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        Assert.Equal((null, null, "ok\"><script>"), (query["rb_clickid"], query["utm_source"], query["utm_campaign"]));
        var click = await system.ClickEventAsync(query["click_id"]!);
        Assert.Null(click["vkAdsClickId"]);
        Assert.Equal(["utm_campaign"], click["utm"]!.AsObject().Select(t => t.Key));
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
