using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Donations.Testing;

/// <summary>
/// A stand-in for VK's API (outside our reach), on a loopback port: <c>POST|GET /method/{name}</c> answers
/// <c>{"response": …}</c> or <c>{"error": {"error_code", "error_msg", "request_params"}}</c> for groups.getById (5.199's
/// <c>{groups, profiles}</c>), wall.get (paged by offset and count, at most 100) and stats.getPostReach, as VK documents
/// them. Tests give it communities, posts and tokens, and can make it fail: a VK error for the next calls of a method, or
/// an outage (an HTML error page) while a condition holds.
/// </summary>
public sealed class FakeVk : IAsyncDisposable
{
    public sealed class Community(long id, string name, string accessToken)
    {
        public long Id { get; } = id;
        public string Name { get; set; } = name;
        public string ScreenName { get; set; } = $"club{id}";
        public bool Verified { get; set; }
        public string AccessToken { get; } = accessToken;
        public string? StatsToken { get; set; }
        public List<Post> Posts { get; } = [];

        /// <summary>The VK Ads account the stats token's user can see, its campaigns, and "spent" (roubles, as VK writes them) per campaign and day.</summary>
        public long? AdsAccountId { get; set; }
        public HashSet<long> AdsCampaigns { get; } = [];
        public ConcurrentDictionary<(long Campaign, string Day), string> AdsSpent { get; } = new();
    }

    public sealed record Post(long Id, long Date, string Text, long Views, long Likes, long Reposts, long Reach);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<long, Community> _communities = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _errors = new();
    private volatile Func<string, IReadOnlyDictionary<string, string>, bool>? _outage;
    private readonly ConcurrentQueue<(string Method, IReadOnlyDictionary<string, string> Parameters)> _calls = new();

    public Uri BaseAddress { get; }

    /// <summary>Every call VK received, in order, with its parameters (the token included).</summary>
    public IReadOnlyList<(string Method, IReadOnlyDictionary<string, string> Parameters)> Calls => _calls.ToList();

    private FakeVk(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public static async Task<FakeVk> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeVk(app, new Uri($"http://127.0.0.1:{port}/"));
        app.Map("/method/{name}", (string name, HttpRequest request) => fake.AnswerAsync(name, request));
        await app.StartAsync();
        return fake;
    }

    public Community Add(long id, string name, string accessToken) => _communities[id] = new Community(id, name, accessToken);

    /// <summary>The next calls of <paramref name="method"/> answer these VK error codes, one each, then VK answers again.</summary>
    public void Fails(string method, params int[] codes)
    {
        var queue = _errors.GetOrAdd(method, _ => new ConcurrentQueue<int>());
        foreach (var code in codes) queue.Enqueue(code);
    }

    /// <summary>While set, calls it matches get a 502 HTML page, as VK's front end serves in an outage.</summary>
    public void Outage(Func<string, IReadOnlyDictionary<string, string>, bool>? when) => _outage = when;

    private async Task<IResult> AnswerAsync(string method, HttpRequest request)
    {
        var p = new Dictionary<string, string>();
        foreach (var (k, v) in request.Query) p[k] = v.ToString();
        if (request.HasFormContentType)
            foreach (var (k, v) in await request.ReadFormAsync()) p[k] = v.ToString();
        _calls.Enqueue((method, p));

        if (_outage is { } outage && outage(method, p))
            return Results.Content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", statusCode: 502);
        if (_errors.TryGetValue(method, out var queue) && queue.TryDequeue(out var code)) return Error(code, "Injected by the test", p);
        if (p.GetValueOrDefault("v") != "5.199") return Error(8, "Invalid request: v (version) is required", p);
        var token = p.GetValueOrDefault("access_token");
        var byToken = _communities.Values.FirstOrDefault(c => c.AccessToken == token);
        var byStats = _communities.Values.FirstOrDefault(c => c.StatsToken == token);
        if (byToken is null && byStats is null) return Error(5, "User authorization failed: invalid access_token (4).", p);

        switch (method)
        {
            case "groups.getById":
            {
                if (!long.TryParse(p.GetValueOrDefault("group_id"), out var id) || !_communities.TryGetValue(id, out var c))
                    return Error(100, "One of the parameters specified was missing or invalid: group_ids is undefined", p);
                return Results.Json(new
                {
                    response = new
                    {
                        groups = new[] { new { id = c.Id, name = c.Name, screen_name = c.ScreenName, is_closed = 0, type = "group", verified = c.Verified ? 1 : 0,
                            photo_200 = $"https://sun1.userapi.com/{c.Id}_200.jpg" } },
                        profiles = Array.Empty<object>(),
                    },
                });
            }
            case "wall.get":
            {
                if (!long.TryParse(p.GetValueOrDefault("owner_id"), out var owner) || !_communities.TryGetValue(-owner, out var c))
                    return Error(100, "One of the parameters specified was missing or invalid: owner_id is invalid", p);
                if (c != byToken) return Error(15, "Access denied: this wall is available only to its community's key", p);
                var offset = int.TryParse(p.GetValueOrDefault("offset"), out var o) ? Math.Max(0, o) : 0;
                var count = int.TryParse(p.GetValueOrDefault("count"), out var n) ? Math.Clamp(n, 0, 100) : 20;
                var newestFirst = c.Posts.OrderByDescending(x => x.Id).ToList();
                return Results.Json(new
                {
                    response = new
                    {
                        count = newestFirst.Count,
                        items = newestFirst.Skip(offset).Take(count).Select(x => new
                        {
                            id = x.Id, owner_id = -c.Id, from_id = -c.Id, date = x.Date, post_type = "post", text = x.Text,
                            views = new { count = x.Views }, likes = new { count = x.Likes, user_likes = 0 }, reposts = new { count = x.Reposts },
                            comments = new { count = 0 },
                        }),
                    },
                });
            }
            case "stats.getPostReach":
            {
                if (!long.TryParse(p.GetValueOrDefault("owner_id"), out var owner) || !_communities.TryGetValue(-owner, out var c))
                    return Error(100, "One of the parameters specified was missing or invalid: owner_id is invalid", p);
                if (c != byStats) return Error(15, "Access denied: no access to statistics of this community", p);
                var ids = (p.GetValueOrDefault("post_ids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToList();
                if (ids.Count is 0 or > 30) return Error(100, "One of the parameters specified was missing or invalid: post_ids", p);
                return Results.Json(new
                {
                    response = c.Posts.Where(x => ids.Contains(x.Id)).Select(x => new
                    {
                        post_id = x.Id, reach_total = x.Reach, reach_subscribers = x.Reach / 2, reach_viral = x.Reach - x.Reach / 2, reach_ads = 0, links = 0,
                    }),
                });
            }
            case "ads.getAccounts":
                return Results.Json(new
                {
                    response = _communities.Values.Where(c => c == byStats && c.AdsAccountId is not null)
                        .Select(c => new { account_id = c.AdsAccountId, account_type = "general", account_status = 1, account_name = c.Name, access_role = "admin" }),
                });
            case "ads.getCampaigns" or "ads.getStatistics":
            {
                var account = long.TryParse(p.GetValueOrDefault("account_id"), out var a) ? a : 0;
                if (byStats is null || byStats.AdsAccountId != account) return Error(600, "Permission denied. You have no access to operations specified with given object(s)", p);
                if (method == "ads.getCampaigns")
                    return Results.Json(new { response = byStats.AdsCampaigns.Select(id => new { id, type = "normal", name = $"Кампания {id}", status = 1, day_limit = "0", all_limit = "0" }) });
                var ids = (p.GetValueOrDefault("ids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToList();
                var from = p.GetValueOrDefault("date_from") ?? "";
                var to = p.GetValueOrDefault("date_to") ?? "";
                return Results.Json(new
                {
                    response = ids.Where(byStats.AdsCampaigns.Contains).Select(id => new
                    {
                        id, type = "campaign",
                        stats = byStats.AdsSpent.Where(x => x.Key.Campaign == id && string.CompareOrdinal(x.Key.Day, from) >= 0 && string.CompareOrdinal(x.Key.Day, to) <= 0)
                            .OrderBy(x => x.Key.Day).Select(x => new { day = x.Key.Day, spent = x.Value, impressions = 1000, clicks = 10 }),
                    }),
                });
            }
            default:
                return Error(3, "Unknown method passed", p);
        }
    }

    private static IResult Error(int code, string message, IReadOnlyDictionary<string, string> p) => Results.Json(new
    {
        error = new
        {
            error_code = code, error_msg = message,
            request_params = p.Where(x => x.Key != "access_token").Select(x => new { key = x.Key, value = x.Value }),
        },
    });

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
