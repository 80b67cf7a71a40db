using System.Text.RegularExpressions;

namespace Donations.Ingestion.Catalog;

public static partial class VkPostId
{
    [GeneratedRegex(@"wall(-?\d+)_(\d+)")]
    private static partial Regex WallPost();

    /// <summary>
    /// Normalises what an NGO pastes — <c>wall-123_456</c>, <c>https://vk.com/wall-123_456</c> or a post URL with
    /// <c>?w=wall-123_456</c> — to <c>wall-123_456</c>; null when it is not a VK post.
    /// </summary>
    public static string? Normalise(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 500) return null;
        var match = WallPost().Match(input.Trim());
        return match.Success ? $"wall{match.Groups[1].Value}_{match.Groups[2].Value}" : null;
    }
}
