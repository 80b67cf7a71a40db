using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Donations.Testing;

namespace Donations.EndToEndTests;

/// <summary>An NGO connects its VK community, its posts come in with VK's counts, and it assigns them to campaigns; VK is the stand-in.</summary>
[Collection(SystemCollection.Name)]
public class VkConnectionTests(DonationsSystem system)
{
    private static long _nextGroup = 700_000 + Random.Shared.Next(100_000) * 10;

    private (FakeVk.Community Community, string Token) Community(int posts, bool verified = false, string? statsToken = null)
    {
        var id = Interlocked.Increment(ref _nextGroup);
        var token = $"vk1.a.community-{Guid.NewGuid():N}";
        var community = system.Vk.Add(id, $"Фонд {id}", token);
        community.Verified = verified;
        community.StatsToken = statsToken;
        for (var i = 1; i <= posts; i++) community.Posts.Add(Post(i));
        return (community, token);
    }

    private static FakeVk.Post Post(int i, long views = 0) => new(i, 1_732_000_000 + i * 60, $"Пост {i}", views == 0 ? 100 * i : views, 10 * i, i, 1000 * i);

    private static Task<HttpResponseMessage> Connect(Scenario ngo, object body) => ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/vk", body);

    private static async Task<JsonArray> PostsAsync(Scenario ngo)
    {
        using var viewer = new HttpClient { BaseAddress = ngo.Ingestion.BaseAddress };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", ngo.ViewerKey);
        var response = await viewer.GetAsync($"/api/ngos/{ngo.NgoId}/posts");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["posts"]!.AsArray();
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail");
    }

    private async Task AssertNotConnectedAsync(Scenario ngo, string token)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await ngo.Ingestion.GetAsync($"/api/ngos/{ngo.NgoId}/vk")).StatusCode);
        Assert.Empty(await PostsAsync(ngo));
        Assert.Empty(await system.RowsContainingAsync("ingestion", token));
    }

    [Fact]
    public async Task Connecting_shows_the_community_and_brings_every_post_with_its_counts_and_reach()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var (community, token) = Community(posts: 230, statsToken: $"vk1.a.user-{Guid.NewGuid():N}");

        var response = await Connect(ngo, new { groupId = community.Id, accessToken = token, userToken = community.StatsToken });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var answer = JsonNode.Parse(text)!;
        Assert.Equal((community.Id, community.Name, community.ScreenName, false), (answer.Long("groupId"), answer.Str("name"), answer.Str("screenName"), answer["verified"]!.GetValue<bool>()));
        Assert.Equal($"https://sun1.userapi.com/{community.Id}_200.jpg", answer.Str("photo"));
        Assert.Equal(("synced", 230L), (answer["sync"]!.Str("status"), answer["sync"]!.Long("posts")));
        // Tokens are never shown again, and never stored in clear.
        Assert.DoesNotContain(token, text);
        Assert.DoesNotContain(community.StatsToken!, text);
        Assert.Empty(await system.RowsContainingAsync("ingestion", token));
        Assert.Empty(await system.RowsContainingAsync("ingestion", community.StatsToken!));

        var posts = await PostsAsync(ngo);
        Assert.Equal(230, posts.Count);
        var post = posts.Single(p => p!.Str("id") == $"wall-{community.Id}_42")!;
        Assert.Equal(("Пост 42", 4200L, 420L, 42L, 42_000L), (post.Str("text"), post.Long("views"), post.Long("likes"), post.Long("reposts"), post.Long("reach")));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_732_000_000 + 42 * 60), post["publishedAt"]!.GetValue<DateTimeOffset>());
        Assert.Null(post["campaignId"]);
        // Newest first, as on the wall.
        Assert.Equal($"wall-{community.Id}_230", posts[0]!.Str("id"));
    }

    [Fact]
    public async Task A_sync_refreshes_the_counts_and_the_verified_mark_moves_the_verification_history()
    {
        var ngo = await Scenario.NewNgoAsync(system); // registered as verified
        var (community, token) = Community(posts: 3, verified: false);
        Assert.Equal(HttpStatusCode.OK, (await Connect(ngo, new { groupId = community.Id, accessToken = token })).StatusCode);

        community.Posts[1] = Post(2, views: 98_765);
        community.Posts.Add(Post(4));
        community.Verified = true;
        var sync = await ngo.Ingestion.PostAsync($"/api/ngos/{ngo.NgoId}/vk/sync", null);
        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        Assert.Equal(4, (await sync.Content.ReadFromJsonAsync<JsonObject>())!.Long("posts"));

        var posts = await PostsAsync(ngo);
        Assert.Equal(4, posts.Count);
        Assert.Equal(98_765, posts.Single(p => p!.Str("id") == $"wall-{community.Id}_2")!.Long("views"));
        Assert.Null(posts[0]!["reach"]); // no user token, no reach

        // Registered verified, VK said not verified on connect, then verified again on the sync.
        await Eventually.Async(async () =>
        {
            var periods = (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/verification"))!;
            return periods.Select(p => p!["verified"]!.GetValue<bool>()).SequenceEqual([true, false, true]);
        }, "the verification history shows the community's marks");
    }

    [Fact]
    public async Task A_post_assigned_to_a_campaign_is_listed_with_its_campaign_fundraiser_link_and_reaches_the_posts_report()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var (community, token) = Community(posts: 2);
        Assert.Equal(HttpStatusCode.OK, (await Connect(ngo, new { groupId = community.Id, accessToken = token })).StatusCode);
        var postId = $"wall-{community.Id}_1";
        // A post outside the community is still pasted as before.
        await ngo.RegisterPostAsync("https://vk.com/wall-1_77", "spring", "beds");

        var assign = await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/posts/{postId}", new { campaignId = "spring", fundraiserId = "beds" });
        Assert.Equal(HttpStatusCode.OK, assign.StatusCode);
        // The same assignment again changes nothing; another one is refused.
        Assert.Equal(HttpStatusCode.OK, (await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/posts/{postId}", new { campaignId = "spring", fundraiserId = "beds" })).StatusCode);
        var code = await ngo.CreateLinkAsync(postId);

        var posts = await PostsAsync(ngo);
        Assert.Equal(3, posts.Count);
        var post = posts.Single(p => p!.Str("id") == postId)!;
        Assert.Equal(("spring", "beds", code, true), (post.Str("campaignId"), post.Str("fundraiserId"), post["links"]![0]!.Str("code"), post["fromVk"]!.GetValue<bool>()));
        var pasted = posts.Single(p => p!.Str("id") == "wall-1_77")!;
        Assert.Equal(("spring", false), (pasted.Str("campaignId"), pasted["fromVk"]!.GetValue<bool>()));

        await Eventually.Async(async () =>
        {
            var report = (await ngo.Reporting.GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/reports/posts"))!;
            var line = report.SingleOrDefault(l => l!.Str("postId") == postId);
            return line?["vk"] is { } vk && vk.Long("views") == 100 && vk.Long("likes") == 10 && vk.Str("text") == "Пост 1";
        }, "the posts report shows VK's counts");
    }

    [Fact]
    public async Task Assigning_names_what_is_missing()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var (community, token) = Community(posts: 1);
        Assert.Equal(HttpStatusCode.OK, (await Connect(ngo, new { groupId = community.Id, accessToken = token })).StatusCode);
        var path = $"/api/ngos/{ngo.NgoId}/posts/wall-{community.Id}_1";
        Assert.Contains("'campaignId'", await ProblemAsync(await ngo.Ingestion.PutAsJsonAsync(path, new { }), HttpStatusCode.BadRequest));
        Assert.Contains("Campaign 'nope'", await ProblemAsync(await ngo.Ingestion.PutAsJsonAsync(path, new { campaignId = "nope" }), HttpStatusCode.UnprocessableEntity));
        await ngo.RegisterPostAsync("wall-1_1", "spring");
        Assert.Contains("not been synced", await ProblemAsync(
            await ngo.Ingestion.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/posts/wall-{community.Id}_999", new { campaignId = "spring" }), HttpStatusCode.NotFound));
        Assert.Null((await PostsAsync(ngo)).Single(p => p!.Str("id") == $"wall-{community.Id}_1")!["campaignId"]);
    }

    [Fact]
    public async Task Bad_connections_are_problems_naming_what_to_fix_and_store_nothing()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var (community, token) = Community(posts: 2);
        var (other, _) = Community(posts: 1);

        Assert.Contains("'groupId'", await ProblemAsync(await Connect(ngo, new { accessToken = token }), HttpStatusCode.BadRequest));
        Assert.Contains("'accessToken'", await ProblemAsync(await Connect(ngo, new { groupId = community.Id }), HttpStatusCode.BadRequest));
        // VK error 5: a token VK does not know.
        Assert.Contains("'accessToken'", await ProblemAsync(await Connect(ngo, new { groupId = community.Id, accessToken = "wrong-token" }), HttpStatusCode.UnprocessableEntity));
        // VK error 100: no such community.
        Assert.Contains("'groupId'", await ProblemAsync(await Connect(ngo, new { groupId = 1, accessToken = token }), HttpStatusCode.UnprocessableEntity));
        // VK error 15: another community's wall.
        Assert.Contains("'accessToken' lacks the rights wall.get needs", await ProblemAsync(
            await Connect(ngo, new { groupId = other.Id, accessToken = token }), HttpStatusCode.UnprocessableEntity));
        // A user token without the stats right.
        Assert.Contains("'userToken'", await ProblemAsync(
            await Connect(ngo, new { groupId = community.Id, accessToken = token, userToken = token }), HttpStatusCode.UnprocessableEntity));
        // VK's error page, again after the retries: try again later.
        system.Vk.Outage((method, p) => p.GetValueOrDefault("group_id") == community.Id.ToString());
        try
        {
            var outage = await Connect(ngo, new { groupId = community.Id, accessToken = token });
            Assert.Contains("VK", await ProblemAsync(outage, HttpStatusCode.ServiceUnavailable));
            Assert.True(outage.Headers.RetryAfter is not null);
        }
        finally
        {
            system.Vk.Outage(null);
        }
        await AssertNotConnectedAsync(ngo, token);

        // The viewer key cannot connect.
        using var viewer = new HttpClient { BaseAddress = ngo.Ingestion.BaseAddress };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", ngo.ViewerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/vk", new { groupId = community.Id, accessToken = token })).StatusCode);
    }

    [Fact]
    public async Task A_VK_outage_mid_sync_keeps_what_was_read_and_the_next_sync_goes_on()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var (community, token) = Community(posts: 250);
        var owner = (-community.Id).ToString();
        system.Vk.Outage((method, p) => method == "wall.get" && p.GetValueOrDefault("owner_id") == owner && p.GetValueOrDefault("offset") is "100" or "200");
        try
        {
            var response = await Connect(ngo, new { groupId = community.Id, accessToken = token });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("incomplete", answer["sync"]!.Str("status"));
            Assert.Equal(100, (await PostsAsync(ngo)).Count); // the first page, newest posts
            Assert.Contains("502", await ProblemAsync(await ngo.Ingestion.PostAsync($"/api/ngos/{ngo.NgoId}/vk/sync", null), HttpStatusCode.ServiceUnavailable));
            Assert.Equal(100, (await PostsAsync(ngo)).Count);
        }
        finally
        {
            system.Vk.Outage(null);
        }
        Assert.Equal(HttpStatusCode.OK, (await ngo.Ingestion.PostAsync($"/api/ngos/{ngo.NgoId}/vk/sync", null)).StatusCode);
        Assert.Equal(250, (await PostsAsync(ngo)).Count);
        var shown = (await ngo.Ingestion.GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/vk"))!;
        Assert.Null(shown["lastProblem"]);
    }

    [Fact]
    public async Task Rate_limit_errors_from_VK_are_waited_out()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var (community, token) = Community(posts: 5);
        system.Vk.Fails("wall.get", 6, 6, 10);
        var response = await Connect(ngo, new { groupId = community.Id, accessToken = token });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, (await PostsAsync(ngo)).Count);
    }

    [Fact]
    public async Task A_new_wall_post_from_the_Callback_API_is_listed_at_once()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var (community, token) = Community(posts: 1);
        await ngo.ConfigureAsync("vk", new { groupId = community.Id, secret = "cb-secret", confirmation = "abc" });
        Assert.Equal(HttpStatusCode.OK, (await Connect(ngo, new { groupId = community.Id, accessToken = token })).StatusCode);

        var body = new JsonObject
        {
            ["type"] = "wall_post_new", ["group_id"] = community.Id, ["event_id"] = $"evt-{Guid.NewGuid():N}", ["v"] = "5.199", ["secret"] = "cb-secret",
            ["object"] = new JsonObject { ["id"] = 77, ["owner_id"] = -community.Id, ["from_id"] = -community.Id, ["date"] = 1_733_000_000, ["text"] = "Новый сбор", ["post_type"] = "post" },
        };
        var response = await ngo.PostRawAsync($"/webhooks/vk/{ngo.NgoId}", Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json");
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());

        var post = (await PostsAsync(ngo)).Single(p => p!.Str("id") == $"wall-{community.Id}_77")!;
        Assert.Equal(("Новый сбор", DateTimeOffset.FromUnixTimeSeconds(1_733_000_000)), (post.Str("text"), post["publishedAt"]!.GetValue<DateTimeOffset>()));
    }
}
