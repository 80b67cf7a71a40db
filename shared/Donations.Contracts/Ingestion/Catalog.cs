namespace Donations.Contracts.Ingestion;

/// <summary>An access key an NGO was given; only its SHA-256 hash ever leaves Ingestion.</summary>
public sealed record ApiKeyGranted(string KeyHash, string Role);

public sealed record NgoRegistered(
    string NgoId, string Name, long? VkGroupId, bool Verified, IReadOnlyList<ApiKeyGranted> Keys, DateTimeOffset RegisteredAt);

public sealed record PostRegistered(
    string NgoId, string PostId, string CampaignId, string? FundraiserId, DateTimeOffset PublishedAt, DateTimeOffset RegisteredAt);

public sealed record LinkCreated(string NgoId, string Code, string PostId, string TargetUrl, DateTimeOffset CreatedAt);
