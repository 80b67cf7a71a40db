namespace Donations.Contracts.Ingestion;

/// <summary>An access key an NGO was given; only its SHA-256 hash ever leaves Ingestion.</summary>
public sealed record ApiKeyGranted(string KeyHash, string Role);

/// <summary>An NGO's keys changed: <see cref="Granted"/> now open it, <see cref="RevokedHashes"/> never again (rotation, or the admin revoking).</summary>
public sealed record ApiKeysChanged(string NgoId, IReadOnlyList<ApiKeyGranted> Granted, IReadOnlyList<string> RevokedHashes, DateTimeOffset ChangedAt);

/// <summary>An NGO joined; <see cref="TimeZone"/> (IANA) is the zone its calendar days are counted in, Europe/Moscow when absent.</summary>
public sealed record NgoRegistered(
    string NgoId, string Name, long? VkGroupId, bool Verified, IReadOnlyList<ApiKeyGranted> Keys, DateTimeOffset RegisteredAt, string? TimeZone = null);

/// <summary>The NGO chose another IANA time zone for its calendar days; every report's days move to it.</summary>
public sealed record NgoTimeZoneChanged(string NgoId, string TimeZone, DateTimeOffset ChangedAt);

public sealed record PostRegistered(
    string NgoId, string PostId, string CampaignId, string? FundraiserId, DateTimeOffset PublishedAt, DateTimeOffset RegisteredAt);

public sealed record LinkCreated(string NgoId, string Code, string PostId, string TargetUrl, DateTimeOffset CreatedAt);

/// <summary>An NGO set up or changed how one provider's webhooks are checked. Secrets never leave Ingestion.</summary>
public sealed record ProviderConfigured(string NgoId, string Provider, DateTimeOffset ConfiguredAt);

/// <summary>A VK community's verification mark changed; money raised before and after can be compared.</summary>
public sealed record NgoVerificationChanged(string NgoId, bool Verified, DateTimeOffset ChangedAt);

public sealed record CampaignRegistered(
    string NgoId, string CampaignId, string Name, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, DateTimeOffset RegisteredAt);

/// <summary>A short-term fundraiser: a goal in one currency and a deadline.</summary>
public sealed record FundraiserRegistered(
    string NgoId, string FundraiserId, string? CampaignId, string Title, long GoalMinor, string Currency, DateTimeOffset Deadline,
    DateTimeOffset RegisteredAt);

/// <summary>
/// A campaign's name or dates were edited, or it was closed (<see cref="EndsAt"/> set to then). <see cref="Version"/> is
/// its stream's version (the registration is 1): a copy moves only to a higher one.
/// </summary>
public sealed record CampaignChanged(
    string NgoId, string CampaignId, string Name, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, int Version, DateTimeOffset ChangedAt);

/// <summary>A fundraiser's title, goal or deadline were edited, or it was closed (<see cref="Deadline"/> set to then); as <see cref="CampaignChanged"/>.</summary>
public sealed record FundraiserChanged(
    string NgoId, string FundraiserId, string? CampaignId, string Title, long GoalMinor, string Currency, DateTimeOffset Deadline, int Version,
    DateTimeOffset ChangedAt);

public static class SpendSources
{
    public const string Own = "own";
    public const string VkGrant = "vk_grant";
}

/// <summary>Money spent promoting a campaign or one of its posts, from the NGO's own budget or a VK promotion grant.</summary>
public sealed record SpendRecorded(
    string NgoId, Guid SpendId, string CampaignId, string? PostId, long AmountMinor, string Currency, string Source, DateTimeOffset SpentAt,
    DateTimeOffset RecordedAt);

/// <summary>
/// What VK showed of a post of the NGO's connected community when it was last synced: its text and counts, and its reach
/// (null when no user token with the stats right was given). Sent only when something changed; the newest
/// <see cref="RefreshedAt"/> wins.
/// </summary>
public sealed record PostStatsRefreshed(
    string NgoId, string PostId, DateTimeOffset PublishedAt, string Text, long Views, long Likes, long Reposts, long? Reach, DateTimeOffset RefreshedAt);
