using System.Security.Cryptography;
using Donations.Contracts.Ingestion;
using Donations.Ingestion.Catalog;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Donations.ServiceDefaults.Telemetry;
using Marten;
using Microsoft.Extensions.Caching.Memory;

namespace Donations.Ingestion.Links;

public sealed record CreateLink(string? PostId, string? TargetUrl);

public sealed record LinkCreatedResponse(string Code, string Url);

public static class LinkEndpoints
{
    public const string VisitorCookie = "dvid";
    private const string CodeAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static void MapLinks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ngos/{ngo}/links", Create).RequireNgoKey(NgoRoles.Manager).WithTags("Catalog");
        app.MapGet("/r/{code}", Follow).WithTags("Links").WithProviderDeadline()
            .LimitPerClient(RedirectLimits.PerClient(app.ServiceProvider.GetRequiredService<IConfiguration>())).RequireRateLimiting(RedirectLimits.PerLinkPolicy);
    }

    private static async Task<IResult> Create(string ngo, CreateLink body, HttpRequest request, IDocumentSession session, IConfiguration configuration, CancellationToken ct)
    {
        if (VkPostId.Normalise(body.PostId) is not { } postId)
            return Problems.BadRequest("'postId' must be a VK post id such as \"wall-123_456\".");
        var (target, targetProblem) = LinkTarget.Parse(body.TargetUrl);
        if (target is null) return Problems.BadRequest(targetProblem!);
        if (await session.LoadAsync<Post>(CatalogKey.Of(ngo, postId), ct) is not { } post)
            return Problems.Unprocessable($"Post '{postId}' is not registered; register it with POST /api/ngos/{ngo}/posts first.");

        var code = RandomNumberGenerator.GetString(CodeAlphabet, 8);
        var now = DateTimeOffset.UtcNow;
        session.Events.StartStream<Link>(Guid.CreateVersion7(), new LinkCreated(ngo, code, postId, target, now));
        session.Insert(new Link(code, ngo, postId, post.CampaignId, post.FundraiserId, target, now));
        await session.SaveChangesAsync(ct);

        var publicBase = configuration["Donations:PublicBaseUrl"] ?? $"{request.Scheme}://{request.Host}";
        return TypedResults.Created($"/r/{code}", new LinkCreatedResponse(code, $"{publicBase.TrimEnd('/')}/r/{code}"));
    }

    /// <summary>
    /// Records the click, then sends the visitor on to the payment page with the click id appended. Concurrent
    /// clicks share commits (<see cref="GroupCommit"/>); docs/benchmarks.md has the numbers.
    /// </summary>
    private static async Task<IResult> Follow(
        string code, HttpContext http, IQuerySession session, IMemoryCache cache, GroupCommit commits, ClickDetails details, IConfiguration configuration,
        ILogger<Link> logger, CancellationToken ct)
    {
        // A link never changes once created, so it is read once per instance (unknown codes are not cached).
        var link = code.Length > 32 ? null : cache.Get<Link>($"link:{code}");
        if (link is null && code.Length <= 32 && await session.LoadAsync<Link>(code, ct) is { } stored)
            link = cache.Set($"link:{code}", stored, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(30), Size = 1 });
        if (link is null)
            return Problems.NotFound($"No tracked link has the code '{code}'.");

        var visitorId = http.Request.Cookies[VisitorCookie] is { Length: > 0 and <= 64 } known ? known : Guid.CreateVersion7().ToString("N");
        var clickId = Guid.CreateVersion7();
        var userAgent = http.Request.Headers.UserAgent.ToString();
        var passedOn = ClickDetails.PassedOn(http.Request.Query);
        var click = new ClickRecorded(
            link.NgoId, clickId, link.Id, link.PostId, link.CampaignId, link.FundraiserId, visitorId, UserAgents.IsBot(userAgent), DemoClickTime(http, configuration),
            UserAgents.DeviceClass(userAgent), ClickDetails.ReferrerHost(http.Request.Headers.Referer), passedOn.Utm,
            details.IpHash(http.Connection.RemoteIpAddress), passedOn.VkAdsClickId);
        // The click is committed before the visitor is sent on: a click id that reaches a payment page is never lost.
        // When it cannot be committed in time, the visitor still reaches the payment page, without a click id: a
        // donation unattributed beats a donation not made.
        var recorded = await TryRecordAsync(commits, click, logger, ct);
        DonationsTelemetry.Clicks.Add(1, new KeyValuePair<string, object?>("kind", !recorded ? "lost" : click.IsBot ? "bot" : "human"));

        http.Response.Cookies.Append(VisitorCookie, visitorId, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, MaxAge = TimeSpan.FromDays(365), IsEssential = true,
        });
        // The payment page gets the ad's tags and click id as the visitor brought them, and ours when the click was stored.
        var parameters = passedOn.Parameters.Concat(recorded ? [new("click_id", clickId.ToString())] : Array.Empty<KeyValuePair<string, string>>());
        return TypedResults.Redirect(LinkTarget.With(LinkTarget.Ascii(link.TargetUrl), parameters));
    }

    public const string DemoClickedAtHeader = "Donations-Demo-Clicked-At";

    /// <summary>
    /// Now; or, only when the service runs with <c>Demo:BackdatedClicks=true</c> (infra/run.sh seeding a year of demo data, never
    /// a real deployment), the past moment the demo's click names in <see cref="DemoClickedAtHeader"/>, so a year of clicks can be
    /// made through this same redirect today.
    /// </summary>
    private static DateTimeOffset DemoClickTime(HttpContext http, IConfiguration configuration)
    {
        var now = DateTimeOffset.UtcNow;
        return configuration.GetValue("Demo:BackdatedClicks", false)
               && DateTimeOffset.TryParse(http.Request.Headers[DemoClickedAtHeader], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at)
               && at < now ? at.ToUniversalTime() : now;
    }

    /// <summary>How long a visitor waits for the click to be committed before being sent on without it.</summary>
    public static readonly TimeSpan ClickCommitDeadline = TimeSpan.FromSeconds(1.5);

    private static async Task<bool> TryRecordAsync(GroupCommit commits, ClickRecorded click, ILogger logger, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(ClickCommitDeadline);
        try
        {
            await commits.CommitAsync(s => s.Events.StartStream(click.ClickId, click), deadline.Token);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && (Transience.IsTransient(e) || e is OperationCanceledException))
        {
            logger.LogWarning("Click on {Link} not recorded, visitor sent on without a click id: {Error}", click.LinkCode, e.Message);
            return false;
        }
    }
}
