namespace Donations.Ingestion.Catalog;

/// <summary>A VK wall post an NGO promotes; its id is VK's own, <c>wall-&lt;owner&gt;_&lt;post&gt;</c>.</summary>
public sealed record Post(string Id, string NgoId, string PostId, string CampaignId, string? FundraiserId, DateTimeOffset PublishedAt)
{
    public static string DocumentId(string ngo, string postId) => $"{ngo}/{postId}";
}
