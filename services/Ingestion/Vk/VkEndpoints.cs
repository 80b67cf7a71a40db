using Donations.Contracts.Ingestion;
using Donations.Ingestion.Catalog;
using Donations.Ingestion.Links;
using Donations.Ingestion.Ngos;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Ingestion.Vk;

public sealed record ConnectVk(long? GroupId, string? AccessToken, string? UserToken);

public sealed record AssignPost(string? CampaignId, string? FundraiserId);

public sealed record AdsCampaignBody(long? AdsCampaignId, string? CampaignId, string? Source);

public sealed record ConnectVkAds(long? AccountId, IReadOnlyList<AdsCampaignBody>? Campaigns);

public sealed record VkConnectionAnswer(
    long GroupId, string Name, string? ScreenName, string? Photo, bool Verified, bool UserToken, DateTimeOffset ConnectedAt, DateTimeOffset? SyncedAt,
    string? LastProblem, SyncAnswer? Sync = null);

public sealed record SyncAnswer(string Status, int Posts, string? Problem);

public sealed record PostLink(string Code, string Url);

public sealed record PostLine(
    string Id, DateTimeOffset PublishedAt, string? Text, long? Views, long? Likes, long? Reposts, long? Reach, string? CampaignId, string? FundraiserId,
    IReadOnlyList<PostLink> Links, bool FromVk, DateTimeOffset? RefreshedAt);

/// <summary>
/// The NGO's VK community: connecting it (checked against VK before anything is stored), syncing it on demand, and the
/// posts list the person assigns campaigns and fundraisers from.
/// </summary>
public static class VkEndpoints
{
    private const int TokenLimit = 512;

    public static void MapVk(this IEndpointRouteBuilder app)
    {
        var manager = app.MapGroup("/api/ngos/{ngo}").RequireNgoKey(NgoRoles.Manager).WithTags("VK");
        manager.MapPut("/vk", Connect);
        manager.MapPost("/vk/sync", SyncNow);
        manager.MapPut("/posts/{postId}", Assign);
        manager.MapPut("/vk/ads", ConnectAds);
        var viewer = app.MapGroup("/api/ngos/{ngo}").RequireNgoKey(NgoRoles.Viewer).WithTags("VK");
        viewer.MapGet("/vk", Show);
        viewer.MapGet("/vk/ads", ShowAds);
        viewer.MapGet("/posts", ListPosts);
    }

    private static async Task<IResult> Connect(
        string ngo, ConnectVk body, HttpRequest request, IDocumentSession session, VkCommunity vk, VkSync sync, SecretBox secrets, TimeProvider clock,
        CancellationToken ct)
    {
        if (body.GroupId is not ({ } groupId and > 0)) return Problems.BadRequest("'groupId' is required: the community's numeric id (the digits of club123 or public123).");
        if (string.IsNullOrWhiteSpace(body.AccessToken) || body.AccessToken.Length > TokenLimit)
            return Problems.BadRequest($"'accessToken' is required, at most {TokenLimit} characters: the community's access key.");
        if (body.UserToken is { } u && (string.IsNullOrWhiteSpace(u) || u.Length > TokenLimit))
            return Problems.BadRequest($"'userToken', when given, is a VK user token of at most {TokenLimit} characters.");
        var token = body.AccessToken.Trim();
        var userToken = body.UserToken?.Trim();

        // Everything is checked with VK before anything is stored: a refusal leaves the NGO as it was.
        VkGroup group;
        try
        {
            if (await vk.GroupAsync(groupId, token, ct) is not { } found)
                return Problems.Unprocessable($"VK knows no community {groupId}; check 'groupId'.");
            group = found;
            var (_, _, latest) = await vk.WallPageAsync(groupId, 0, 1, token, ct);
            if (userToken is not null && latest.Count > 0)
            {
                try
                {
                    await vk.ReachAsync(groupId, latest, userToken, ct);
                }
                catch (VkApiException e) when (!e.Transient)
                {
                    return VkProblems.For(request, e, "userToken");
                }
            }
        }
        catch (Exception e) when (e is VkApiException or VkUnavailableException)
        {
            return VkProblems.For(request, e, "accessToken");
        }

        var now = clock.GetUtcNow();
        var existing = await session.LoadAsync<VkConnection>(ngo, ct);
        var connection = new VkConnection(ngo, groupId, group.Name, group.ScreenName, group.Photo, group.Verified, secrets.Seal(token)!, secrets.Seal(userToken),
            existing?.GroupId == groupId ? existing.ConnectedAt : now, null, null);
        session.Store(connection);
        await NgoVerification.ChangeAsync(session, ngo, group.Verified, now, ct);
        await session.SaveChangesAsync(ct);

        var answer = await SyncAnswerAsync(ngo, sync, ct);
        return TypedResults.Ok(Answer(connection with { SyncedAt = answer.Status == "synced" ? clock.GetUtcNow() : null, LastProblem = answer.Problem }, answer));
    }

    private static async Task<IResult> SyncNow(string ngo, HttpRequest request, IQuerySession session, VkSync sync, CancellationToken ct)
    {
        if (await session.LoadAsync<VkConnection>(ngo, ct) is null) return Problems.NotFound($"NGO '{ngo}' has not connected VK; PUT /api/ngos/{ngo}/vk first.");
        try
        {
            var result = await sync.SyncAsync(ngo, ct);
            return TypedResults.Ok(new { posts = result.Posts, verified = result.Verified, syncedAt = result.SyncedAt });
        }
        catch (Exception e) when (e is VkApiException or VkUnavailableException)
        {
            return VkProblems.For(request, e, "accessToken");
        }
    }

    private static async Task<IResult> Show(string ngo, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<VkConnection>(ngo, ct) is { } connection
            ? TypedResults.Ok(Answer(connection, null))
            : Problems.NotFound($"NGO '{ngo}' has not connected VK; PUT /api/ngos/{ngo}/vk first.");

    private static async Task<IResult> ShowAds(string ngo, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<VkAdsConnection>(ngo, ct) is { } ads
            ? TypedResults.Ok(new { accountId = ads.AccountId, campaigns = ads.Campaigns, connectedAt = ads.ConnectedAt })
            : Problems.NotFound($"NGO '{ngo}' has not connected a VK Ads account; PUT /api/ngos/{ngo}/vk/ads first.");

    private static async Task<IResult> ListPosts(string ngo, HttpRequest request, IQuerySession session, IConfiguration configuration, CancellationToken ct)
    {
        var fromVk = (await session.Query<VkPost>().Where(p => p.NgoId == ngo).ToListAsync(ct)).ToDictionary(p => p.PostId);
        var catalog = (await session.Query<Post>().Where(p => p.NgoId == ngo).ToListAsync(ct)).ToDictionary(p => p.PostId);
        var links = (await session.Query<Link>().Where(l => l.NgoId == ngo).ToListAsync(ct)).ToLookup(l => l.PostId);
        var publicBase = (configuration["Donations:PublicBaseUrl"] ?? $"{request.Scheme}://{request.Host}").TrimEnd('/');
        var lines = fromVk.Keys.Union(catalog.Keys).Select(id =>
        {
            fromVk.TryGetValue(id, out var vk);
            catalog.TryGetValue(id, out var post);
            return new PostLine(id, vk?.PublishedAt ?? post!.PublishedAt, vk?.Text, vk?.Views, vk?.Likes, vk?.Reposts, vk?.Reach, post?.CampaignId, post?.FundraiserId,
                links[id].OrderBy(l => l.CreatedAt).Select(l => new PostLink(l.Id, $"{publicBase}/r/{l.Id}")).ToList(), vk is not null, vk?.RefreshedAt);
        }).OrderByDescending(p => p.PublishedAt).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new { posts = lines });
    }

    /// <summary>
    /// A synced post becomes part of the catalog when the person names its campaign: it is registered as a pasted post is,
    /// dated as VK dated it.
    /// </summary>
    private static async Task<IResult> Assign(string ngo, string postId, AssignPost body, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (VkPostId.Normalise(postId) is not { } id) return Problems.BadRequest("The path must name a VK post id such as wall-123_456.");
        if (body.CampaignId is null) return Problems.BadRequest("'campaignId' is required.");
        if (await session.LoadAsync<Campaign>(CatalogKey.Of(ngo, body.CampaignId), ct) is null)
            return Problems.Unprocessable($"Campaign '{body.CampaignId}' is not registered; POST /api/ngos/{ngo}/campaigns first.");
        if (body.FundraiserId is not null && await session.LoadAsync<Fundraiser>(CatalogKey.Of(ngo, body.FundraiserId), ct) is null)
            return Problems.Unprocessable($"Fundraiser '{body.FundraiserId}' is not registered; POST /api/ngos/{ngo}/fundraisers first.");

        if (await session.LoadAsync<Post>(CatalogKey.Of(ngo, id), ct) is { } assigned)
            return assigned.CampaignId == body.CampaignId && assigned.FundraiserId == body.FundraiserId
                ? TypedResults.Ok(new { postId = id, campaignId = assigned.CampaignId, fundraiserId = assigned.FundraiserId })
                : Problems.Conflict($"Post '{id}' is already assigned to campaign '{assigned.CampaignId}'; moving a post to another campaign is not supported yet.");
        if (await session.LoadAsync<VkPost>(CatalogKey.Of(ngo, id), ct) is not { } synced)
            return Problems.NotFound($"Post '{id}' has not been synced from VK; POST /api/ngos/{ngo}/vk/sync, or register it with POST /api/ngos/{ngo}/posts.");

        var now = clock.GetUtcNow();
        session.Insert(new Post(CatalogKey.Of(ngo, id), ngo, id, body.CampaignId, body.FundraiserId, synced.PublishedAt));
        session.Events.StartStream(StableId.From("post", ngo, id), new PostRegistered(ngo, id, body.CampaignId, body.FundraiserId, synced.PublishedAt, now));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.DocumentAlreadyExistsException)
        {
            return Problems.Conflict($"Post '{id}' was assigned at the same moment by another request; read it again.");
        }
        return TypedResults.Ok(new { postId = id, campaignId = body.CampaignId, fundraiserId = body.FundraiserId });
    }

    /// <summary>
    /// The VK Ads account and which of our campaigns each of its campaigns spends for; checked with VK (the user token must
    /// see the account and its campaigns) before it is stored, then the last days are imported.
    /// </summary>
    private static async Task<IResult> ConnectAds(
        string ngo, ConnectVkAds body, HttpRequest request, IDocumentSession session, VkAds ads, VkSync sync, SecretBox secrets, TimeProvider clock, CancellationToken ct)
    {
        if (body.AccountId is not ({ } accountId and > 0)) return Problems.BadRequest("'accountId' is required: the VK Ads account's number.");
        if (body.Campaigns is null) return Problems.BadRequest("'campaigns' is required: [{adsCampaignId, campaignId, source}], one per VK Ads campaign to import.");
        var mappings = new List<AdsCampaignMapping>();
        for (var i = 0; i < body.Campaigns.Count; i++)
        {
            var c = body.Campaigns[i];
            if (c.AdsCampaignId is not ({ } adsId and > 0)) return Problems.BadRequest($"'campaigns[{i}].adsCampaignId' is required: the VK Ads campaign's number.");
            if (mappings.Any(m => m.AdsCampaignId == adsId)) return Problems.BadRequest($"'campaigns[{i}].adsCampaignId' {adsId} is mapped twice; map each VK Ads campaign once.");
            if (c.Source is not (SpendSources.Own or SpendSources.VkGrant)) return Problems.BadRequest($"'campaigns[{i}].source' must be \"own\" or \"vk_grant\".");
            if (c.CampaignId is null || await session.LoadAsync<Campaign>(CatalogKey.Of(ngo, c.CampaignId), ct) is null)
                return Problems.Unprocessable($"'campaigns[{i}].campaignId' must name a registered campaign of NGO '{ngo}'.");
            mappings.Add(new AdsCampaignMapping(adsId, c.CampaignId, c.Source));
        }
        if (await session.LoadAsync<VkConnection>(ngo, ct) is not { } connection)
            return Problems.Unprocessable($"Connect VK first: PUT /api/ngos/{ngo}/vk with a 'userToken' that has the 'ads' right.");
        if (secrets.Open(connection.UserTokenSealed) is not { } userToken)
            return Problems.Unprocessable($"VK Ads is read with a user token: PUT /api/ngos/{ngo}/vk again with a 'userToken' that has the 'ads' right.");

        try
        {
            if (!(await ads.AccountsAsync(userToken, ct)).Contains(accountId))
                return Problems.Unprocessable($"'userToken' cannot see VK Ads account {accountId}; check 'accountId', or give the token's user access to the account.");
            var known = await ads.CampaignsAsync(accountId, userToken, ct);
            if (mappings.FirstOrDefault(m => !known.Contains(m.AdsCampaignId)) is { } missing)
                return Problems.Unprocessable($"VK Ads account {accountId} has no campaign {missing.AdsCampaignId}; check 'campaigns[{mappings.IndexOf(missing)}].adsCampaignId'.");
        }
        catch (Exception e) when (e is VkApiException or VkUnavailableException)
        {
            return VkProblems.For(request, e, "userToken", "accountId");
        }

        session.Store(new VkAdsConnection(ngo, accountId, mappings, clock.GetUtcNow()));
        await session.SaveChangesAsync(ct);
        var answer = await SyncAnswerAsync(ngo, sync, ct);
        return TypedResults.Ok(new { accountId, campaigns = mappings, sync = answer });
    }

    private static async Task<SyncAnswer> SyncAnswerAsync(string ngo, VkSync sync, CancellationToken ct)
    {
        try
        {
            var result = await sync.SyncAsync(ngo, ct);
            return new SyncAnswer("synced", result.Posts, null);
        }
        catch (Exception e) when (e is VkApiException or VkUnavailableException)
        {
            // The connection stands; what was read is kept and the next sync goes on.
            return new SyncAnswer("incomplete", 0, e.Message);
        }
    }

    private static VkConnectionAnswer Answer(VkConnection c, SyncAnswer? sync) =>
        new(c.GroupId, c.Name, c.ScreenName, c.Photo, c.Verified, c.UserTokenSealed is not null, c.ConnectedAt, c.SyncedAt, c.LastProblem, sync);
}

public static class VkSetup
{
    public static void AddVk(this IHostApplicationBuilder builder)
    {
        VkApi.Register(builder);
        builder.Services.AddSingleton<VkCommunity>();
        builder.Services.AddSingleton<VkSync>();
        builder.Services.AddSingleton<VkAds>();
        builder.Services.AddHostedService<VkSyncSchedule>();
    }
}
