using Donations.Ingestion.Vk;
using Donations.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Donations.UnitTests.Vk;

/// <summary>The VK client against the stand-in for VK's API: paging, reach, which errors are retried and which are not.</summary>
public sealed class VkApiTests : IAsyncLifetime
{
    private const long GroupId = 5501;
    private const string Token = "community-token";
    private const int Retries = 3;
    private FakeVk _vk = null!;
    private ServiceProvider _services = null!;
    private VkCommunity Community => _services.GetRequiredService<VkCommunity>();

    public async Task InitializeAsync()
    {
        _vk = await FakeVk.StartAsync(LocalSystem.FreePort());
        var services = new ServiceCollection();
        services.Configure<VkOptions>(o =>
        {
            o.ApiBaseUrl = _vk.BaseAddress.ToString();
            o.RetryDelayMilliseconds = 5;
            o.MaxRetryAttempts = Retries;
        });
        VkApi.AddTo(services);
        services.AddSingleton<VkCommunity>();
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _vk.DisposeAsync();
    }

    private FakeVk.Community WithPosts(int count)
    {
        var community = _vk.Add(GroupId, "Фонд помощи", Token);
        for (var i = 1; i <= count; i++) community.Posts.Add(new FakeVk.Post(i, 1_732_000_000 + i, $"post {i}", 100 + i, 10 + i, i, 1000 + i));
        return community;
    }

    [Fact]
    public async Task The_community_is_read_from_the_5_199_answer()
    {
        var community = WithPosts(0);
        community.Verified = true;
        var group = await Community.GroupAsync(GroupId, Token, default);
        Assert.Equal(new VkGroup(GroupId, "Фонд помощи", $"club{GroupId}", $"https://sun1.userapi.com/{GroupId}_200.jpg", true), group);
        // VK answers an unknown community with error 100.
        Assert.Equal(100, (await Assert.ThrowsAsync<VkApiException>(() => Community.GroupAsync(GroupId + 1, Token, default))).Code);
    }

    [Fact]
    public async Task Wall_pages_cover_every_post_once_with_its_counts()
    {
        WithPosts(250);
        var seen = new List<VkWallPost>();
        for (var offset = 0; ; offset += 100)
        {
            var (total, items, posts) = await Community.WallPageAsync(GroupId, offset, 100, Token, default);
            Assert.Equal(250, total);
            seen.AddRange(posts);
            if (offset + items >= total) break;
        }
        Assert.Equal(Enumerable.Range(1, 250).Select(i => $"wall-{GroupId}_{i}").Order(), seen.Select(p => p.PostId).Order());
        var post = seen.Single(p => p.Id == 42);
        Assert.Equal((DateTimeOffset.FromUnixTimeSeconds(1_732_000_042), "post 42", 142L, 52L, 42L), (post.PublishedAt, post.Text, post.Views, post.Likes, post.Reposts));
        Assert.Equal(3, _vk.Calls.Count(c => c.Method == "wall.get"));
    }

    [Fact]
    public async Task Reach_is_asked_30_posts_at_a_time_with_the_user_token()
    {
        var community = WithPosts(45);
        community.StatsToken = "user-token";
        var (_, _, posts) = await Community.WallPageAsync(GroupId, 0, 100, Token, default);
        var reach = await Community.ReachAsync(GroupId, posts, "user-token", default);
        Assert.Equal(45, reach.Count);
        Assert.Equal(1000 + 7, reach[$"wall-{GroupId}_7"]);
        Assert.Equal(2, _vk.Calls.Count(c => c.Method == "stats.getPostReach"));
        Assert.All(_vk.Calls.Where(c => c.Method == "stats.getPostReach"), c => Assert.Equal("user-token", c.Parameters["access_token"]));
    }

    [Fact]
    public async Task Too_many_requests_and_internal_errors_are_retried()
    {
        WithPosts(1);
        _vk.Fails("groups.getById", 6, 10, 6);
        Assert.NotNull(await Community.GroupAsync(GroupId, Token, default));
        Assert.Equal(4, _vk.Calls.Count(c => c.Method == "groups.getById"));
    }

    [Fact]
    public async Task Errors_the_person_must_fix_are_not_retried()
    {
        WithPosts(1);
        foreach (var code in new[] { 5, 15, 30, 100 })
        {
            _vk.Fails("wall.get", code);
            var before = _vk.Calls.Count;
            var error = await Assert.ThrowsAsync<VkApiException>(() => Community.WallPageAsync(GroupId, 0, 1, Token, default));
            Assert.Equal((code, "wall.get", false), (error.Code, error.Method, error.Transient));
            Assert.Equal(before + 1, _vk.Calls.Count);
        }
    }

    [Fact]
    public async Task A_wrong_token_is_error_5()
    {
        WithPosts(1);
        var error = await Assert.ThrowsAsync<VkApiException>(() => Community.GroupAsync(GroupId, "not-a-token", default));
        Assert.Equal(VkApiException.Authorization, error.Code);
    }

    [Fact]
    public async Task An_error_page_is_retried_and_then_VK_is_unavailable()
    {
        WithPosts(1);
        _vk.Outage((_, _) => true);
        var error = await Assert.ThrowsAsync<VkUnavailableException>(() => Community.GroupAsync(GroupId, Token, default));
        Assert.True(error.Transient);
        Assert.Contains("502", error.Message);
        Assert.Equal(1 + Retries, _vk.Calls.Count);
    }

    [Fact]
    public async Task The_token_travels_in_the_body_with_the_version()
    {
        WithPosts(1);
        await Community.GroupAsync(GroupId, Token, default);
        var call = Assert.Single(_vk.Calls);
        Assert.Equal((Token, "5.199"), (call.Parameters["access_token"], call.Parameters["v"]));
    }

    [Fact]
    public void Suggested_and_scheduled_posts_are_not_posts()
    {
        static System.Text.Json.JsonElement Json(string s) => System.Text.Json.JsonDocument.Parse(s).RootElement;
        Assert.Null(VkWallPost.TryParse(Json("""{"id":1,"owner_id":-5,"date":1732000000,"post_type":"suggest"}""")));
        Assert.Null(VkWallPost.TryParse(Json("""{"id":1,"owner_id":-5,"date":1732000000,"post_type":"postpone"}""")));
        Assert.Equal("wall-5_1", VkWallPost.TryParse(Json("""{"id":1,"owner_id":-5,"date":1732000000,"text":"hi"}"""))!.PostId);
    }
}
