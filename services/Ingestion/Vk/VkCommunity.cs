using System.Globalization;
using System.Text.Json;

namespace Donations.Ingestion.Vk;

/// <summary>The VK methods Donations uses, read into our shapes.</summary>
public sealed class VkCommunity(VkApi vk)
{
    public const int WallPageSize = 100;
    private const int ReachBatch = 30;

    /// <summary>groups.getById; null when VK does not know the community.</summary>
    public async Task<VkGroup?> GroupAsync(long groupId, string token, CancellationToken ct)
    {
        var response = await vk.CallAsync("groups.getById", new Dictionary<string, string>
        {
            ["group_id"] = groupId.ToString(CultureInfo.InvariantCulture), ["fields"] = "verified,screen_name,photo_200",
        }, token, ct);
        // Since 5.194 the answer is {groups: [...], profiles: [...]}; older versions answered the array itself.
        var groups = response.ValueKind == JsonValueKind.Object && response.TryGetProperty("groups", out var g) ? g : response;
        if (groups.ValueKind != JsonValueKind.Array) return null;
        foreach (var group in groups.EnumerateArray())
        {
            if (!group.TryGetProperty("id", out var id) || !id.TryGetInt64(out var found) || found != groupId) continue;
            return new VkGroup(found, Text(group, "name") ?? $"club{found}", Text(group, "screen_name"), Text(group, "photo_200"),
                group.TryGetProperty("verified", out var v) && v.ValueKind == JsonValueKind.Number && v.GetInt32() == 1);
        }
        return null;
    }

    /// <summary>One page of the community's own posts, newest first, and how many there are in all.</summary>
    public async Task<(int Total, int Items, IReadOnlyList<VkWallPost> Posts)> WallPageAsync(long groupId, int offset, int count, string token, CancellationToken ct)
    {
        var response = await vk.CallAsync("wall.get", new Dictionary<string, string>
        {
            ["owner_id"] = (-groupId).ToString(CultureInfo.InvariantCulture), ["offset"] = offset.ToString(CultureInfo.InvariantCulture),
            ["count"] = count.ToString(CultureInfo.InvariantCulture), ["filter"] = "owner",
        }, token, ct);
        var total = response.TryGetProperty("count", out var c) && c.TryGetInt32(out var n) ? n : 0;
        var items = response.TryGetProperty("items", out var i) && i.ValueKind == JsonValueKind.Array ? i.EnumerateArray().ToList() : [];
        return (total, items.Count, items.Select(VkWallPost.TryParse).OfType<VkWallPost>().ToList());
    }

    /// <summary>stats.getPostReach (a user token with the stats right), reach_total per post id, 30 posts a call.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ReachAsync(long groupId, IReadOnlyList<VkWallPost> posts, string userToken, CancellationToken ct)
    {
        var reach = new Dictionary<string, long>();
        foreach (var batch in posts.Chunk(ReachBatch))
        {
            var response = await vk.CallAsync("stats.getPostReach", new Dictionary<string, string>
            {
                ["owner_id"] = (-groupId).ToString(CultureInfo.InvariantCulture),
                ["post_ids"] = string.Join(',', batch.Select(p => p.Id.ToString(CultureInfo.InvariantCulture))),
            }, userToken, ct);
            if (response.ValueKind != JsonValueKind.Array) continue;
            foreach (var stat in response.EnumerateArray())
                if (stat.TryGetProperty("post_id", out var id) && id.TryGetInt64(out var postId) && stat.TryGetProperty("reach_total", out var total) && total.TryGetInt64(out var value))
                    reach[$"wall{-groupId}_{postId}"] = value;
        }
        return reach;
    }

    private static string? Text(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
