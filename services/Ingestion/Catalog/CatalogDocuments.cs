namespace Donations.Ingestion.Catalog;

/// <summary>A VK wall post an NGO promotes; its id is VK's own, <c>wall-&lt;owner&gt;_&lt;post&gt;</c>.</summary>
public sealed record Post(string Id, string NgoId, string PostId, string CampaignId, string? FundraiserId, DateTimeOffset PublishedAt);

public sealed record Campaign(string Id, string NgoId, string CampaignId, string Name, DateTimeOffset StartsAt, DateTimeOffset? EndsAt);

/// <summary>A short-term fundraiser. <see cref="RefusesLateGifts"/>: payment checks after the deadline are refused (CloudPayments' Check).</summary>
public sealed record Fundraiser(
    string Id, string NgoId, string FundraiserId, string? CampaignId, string Title, long GoalMinor, string Currency, DateTimeOffset Deadline,
    bool RefusesLateGifts = false);

/// <summary>Catalog documents are keyed "ngo/id": ids are the NGO's own and only unique within it.</summary>
public static class CatalogKey
{
    public static string Of(string ngo, string id) => $"{ngo}/{id}";
}
