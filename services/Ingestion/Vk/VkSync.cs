using Donations.Contracts.Ingestion;
using Donations.Ingestion.Catalog;
using Donations.Ingestion.Ngos;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Donations.ServiceDefaults.Telemetry;
using Marten;

namespace Donations.Ingestion.Vk;

public sealed record SyncResult(int Posts, bool Verified, DateTimeOffset SyncedAt);

/// <summary>
/// Reads a connected community from VK: its verification mark (which moves the NGO's verification history), then every
/// post of its wall, page by page, with views, likes, reposts and — with a user token — reach. Each page is saved as it
/// comes, so an outage halfway keeps what was read; the next sync reads from the top again and refreshes everything.
/// </summary>
public sealed class VkSync(IDocumentStore store, VkCommunity vk, VkAds ads, SecretBox secrets, TimeProvider clock, ILogger<VkSync> log)
{
    /// <summary>VK Ads statistics settle for a while: every sync imports this many days again.</summary>
    public const int AdsDays = 30;

    private static readonly System.Diagnostics.Metrics.Counter<long> Syncs =
        DonationsTelemetry.Meter.CreateCounter<long>("donations.vk.sync", "{sync}", "VK community syncs, by outcome");

    public async Task<SyncResult> SyncAsync(string ngo, CancellationToken ct)
    {
        try
        {
            var result = await RunAsync(ngo, ct);
            Syncs.Add(1, new KeyValuePair<string, object?>("outcome", "succeeded"));
            return result;
        }
        catch (Exception e) when (e is VkApiException or VkUnavailableException)
        {
            Syncs.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            log.LogWarning("The VK sync of NGO {Ngo} failed: {Problem}", ngo, e.Message);
            await using var session = store.LightweightSession();
            if (await session.LoadAsync<VkConnection>(ngo, ct) is { } connection)
            {
                session.Store(connection with { LastProblem = e.Message });
                await session.SaveChangesAsync(ct);
            }
            throw;
        }
    }

    private async Task<SyncResult> RunAsync(string ngo, CancellationToken ct)
    {
        VkConnection connection;
        await using (var query = store.QuerySession())
            connection = await query.LoadAsync<VkConnection>(ngo, ct) ?? throw new InvalidOperationException($"NGO '{ngo}' has no VK connection.");
        var token = secrets.Open(connection.AccessTokenSealed)!;
        var userToken = secrets.Open(connection.UserTokenSealed);

        var group = await vk.GroupAsync(connection.GroupId, token, ct)
                    ?? throw new VkApiException("groups.getById", VkApiException.BadParameter, $"community {connection.GroupId} is not known to VK");
        await using (var session = store.LightweightSession())
        {
            await NgoVerification.ChangeAsync(session, ngo, group.Verified, clock.GetUtcNow(), ct);
            session.Store(connection with { Name = group.Name, ScreenName = group.ScreenName, Photo = group.Photo, Verified = group.Verified });
            await session.SaveChangesAsync(ct);
        }

        var seen = 0;
        for (var offset = 0; ; offset += VkCommunity.WallPageSize)
        {
            var (total, items, posts) = await vk.WallPageAsync(connection.GroupId, offset, VkCommunity.WallPageSize, token, ct);
            var reach = userToken is null || posts.Count == 0 ? null : await vk.ReachAsync(connection.GroupId, posts, userToken, ct);
            await using (var session = store.LightweightSession())
            {
                await VkPosts.RefreshAsync(session, ngo, posts, reach, clock.GetUtcNow(), ct);
                await session.SaveChangesAsync(ct);
            }
            seen += posts.Count;
            if (items == 0 || offset + items >= total) break;
        }

        await ImportAdsAsync(ngo, userToken, ct);

        var syncedAt = clock.GetUtcNow();
        await using (var session = store.LightweightSession())
        {
            var latest = await session.LoadAsync<VkConnection>(ngo, ct) ?? connection;
            session.Store(latest with { SyncedAt = syncedAt, LastProblem = null });
            await session.SaveChangesAsync(ct);
        }
        return new SyncResult(seen, group.Verified, syncedAt);
    }

    private async Task ImportAdsAsync(string ngo, string? userToken, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (userToken is null || await session.LoadAsync<VkAdsConnection>(ngo, ct) is not { } account) return;
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(3)).DateTime);
        await ads.ImportAsync(session, ngo, account, userToken, today.AddDays(-AdsDays), today, now, ct);
        await session.SaveChangesAsync(ct);
    }
}

public static class VkPosts
{
    /// <summary>Stores what VK shows of <paramref name="posts"/> (unsaved) and a <see cref="PostStatsRefreshed"/> for each that changed.</summary>
    public static async Task RefreshAsync(
        IDocumentSession session, string ngo, IReadOnlyList<VkWallPost> posts, IReadOnlyDictionary<string, long>? reach, DateTimeOffset now, CancellationToken ct)
    {
        if (posts.Count == 0) return;
        var known = (await session.LoadManyAsync<VkPost>(ct, posts.Select(p => CatalogKey.Of(ngo, p.PostId)))).ToDictionary(p => p.PostId);
        foreach (var post in posts.DistinctBy(p => p.PostId))
        {
            known.TryGetValue(post.PostId, out var before);
            long? postReach = reach is not null && reach.TryGetValue(post.PostId, out var r) ? r : before?.Reach;
            var after = new VkPost(CatalogKey.Of(ngo, post.PostId), ngo, post.PostId, post.PublishedAt, post.Text, post.Views, post.Likes, post.Reposts, postReach, now);
            if (before is not null && before with { RefreshedAt = now } == after) continue;
            session.Store(after);
            session.Events.Append(StableId.From("vk-post", ngo, post.PostId),
                new PostStatsRefreshed(ngo, post.PostId, post.PublishedAt, post.Text, post.Views, post.Likes, post.Reposts, postReach, now));
        }
    }
}
