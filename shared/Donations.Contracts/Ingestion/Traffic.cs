namespace Donations.Contracts.Ingestion;

/// <summary>
/// A visitor followed a tracked link; the click id travels on to the payment page. <see cref="IpHash"/> is a
/// salted hash: the address itself is never kept. <see cref="VkAdsClickId"/> is VK Ads' <c>rb_clickid</c> when the
/// click came from an ad (a paid click).
/// </summary>
public sealed record ClickRecorded(
    string NgoId,
    Guid ClickId,
    string LinkCode,
    string PostId,
    string? CampaignId,
    string? FundraiserId,
    string VisitorId,
    bool IsBot,
    DateTimeOffset ClickedAt,
    string? DeviceClass = null,
    string? ReferrerHost = null,
    IReadOnlyDictionary<string, string>? Utm = null,
    string? IpHash = null,
    string? VkAdsClickId = null);
