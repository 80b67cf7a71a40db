namespace Donations.Reporting.Catalog;

public sealed record VerificationChange(bool Verified, DateTimeOffset At);

public sealed class NgoProfile
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public List<VerificationChange> Verification { get; set; } = [];
}

/// <summary>A campaign as last changed; <see cref="Version"/> is its stream's (the registration is 1), and a copy only moves up.</summary>
public sealed record CampaignView(string Id, string NgoId, string CampaignId, string Name, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, int Version = 1);

/// <summary>A fundraiser as last changed (edited, or closed: its deadline then); versioned as <see cref="CampaignView"/>.</summary>
public sealed record FundraiserView(
    string Id, string NgoId, string FundraiserId, string? CampaignId, string Title, long GoalMinor, string Currency, DateTimeOffset Deadline, int Version = 1);

public sealed record PostView(string Id, string NgoId, string PostId, string CampaignId, string? FundraiserId, DateTimeOffset PublishedAt);

/// <summary>What VK last showed of a post (text, counts, reach); the newest refresh wins.</summary>
public sealed record PostStatsView(
    string Id, string NgoId, string PostId, DateTimeOffset PublishedAt, string Text, long Views, long Likes, long Reposts, long? Reach, DateTimeOffset RefreshedAt);

/// <summary>One spend; an imported VK Ads day keeps its id when re-imported, and the latest <see cref="RecordedAt"/> stands.</summary>
public sealed record SpendEntry(
    Guid Id, string NgoId, string CampaignId, string? PostId, long AmountMinor, string Currency, string Source, DateTimeOffset SpentAt, DateTimeOffset? RecordedAt = null);

public sealed record PayoutEntry(string Id, string NgoId, string Provider, long AmountMinor, long FeeMinor, string Currency, bool Succeeded, string? Reason, DateTimeOffset OccurredAt);

public sealed record ProviderView(string Id, string NgoId, string Provider, DateTimeOffset ConfiguredAt);

/// <summary>
/// One click, as Reporting counts it: per post and day, people and bots apart, paid (from a VK ad, with its
/// <see cref="VkAdsClickId"/>) and organic apart.
/// </summary>
public sealed record ClickFact(
    Guid Id, string NgoId, string PostId, string? CampaignId, bool IsBot, DateTimeOffset ClickedAt, string? VisitorId = null, string? VkAdsClickId = null);

public static class ViewKey
{
    public static string Of(string ngo, string id) => $"{ngo}/{id}";
}
