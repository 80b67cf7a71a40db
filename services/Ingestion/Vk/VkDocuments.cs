using System.Text.Json;

namespace Donations.Ingestion.Vk;

/// <summary>An NGO's VK community, keyed by the NGO. Tokens are sealed; only <see cref="VkSync"/> opens them.</summary>
public sealed record VkConnection(
    string Id, long GroupId, string Name, string? ScreenName, string? Photo, bool Verified, string AccessTokenSealed, string? UserTokenSealed,
    DateTimeOffset ConnectedAt, DateTimeOffset? SyncedAt, string? LastProblem);

/// <summary>A post of the connected community as VK last showed it; keyed "ngo/wall-…" like the catalog.</summary>
public sealed record VkPost(
    string Id, string NgoId, string PostId, DateTimeOffset PublishedAt, string Text, long Views, long Likes, long Reposts, long? Reach, DateTimeOffset RefreshedAt);

/// <summary>The fields of a VK post object (<c>wall.get</c> items, <c>wall_post_new</c>) that Donations keeps.</summary>
public sealed record VkWallPost(long OwnerId, long Id, DateTimeOffset PublishedAt, string Text, long Views, long Likes, long Reposts)
{
    public string PostId => $"wall{OwnerId}_{Id}";

    /// <summary>Null when the object is not a published post (no id, owner or date, or a suggestion or a scheduled post).</summary>
    public static VkWallPost? TryParse(JsonElement o)
    {
        if (o.ValueKind != JsonValueKind.Object) return null;
        if (o.TryGetProperty("post_type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() is "suggest" or "postpone") return null;
        if (Number(o, "id") is not { } id || Number(o, "owner_id") is not { } owner || Number(o, "date") is not { } date || date is < 0 or > 253402300799) return null;
        var text = o.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        return new VkWallPost(owner, id, DateTimeOffset.FromUnixTimeSeconds(date), text, Count(o, "views"), Count(o, "likes"), Count(o, "reposts"));
    }

    private static long? Number(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static long Count(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? Number(v, "count") ?? 0 : 0;
}

public sealed record VkGroup(long Id, string Name, string? ScreenName, string? Photo, bool Verified);
