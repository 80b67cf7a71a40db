namespace Donations.Ingestion.Links;

/// <summary>A tracked short link for one post; <see cref="Id"/> is the code in <c>/r/{code}</c>.</summary>
public sealed record Link(string Id, string NgoId, string PostId, string CampaignId, string? FundraiserId, string TargetUrl, DateTimeOffset CreatedAt);
