using System.Security.Cryptography;
using System.Text;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;

namespace Donations.Ingestion.Links;

/// <summary>
/// What the incoming URL says about where a click came from: its <c>utm_*</c> tags and VK Ads' <c>rb_clickid</c>, which
/// are stored with the click and passed on to the payment page (so the NGO's VK Ads pixel sees its conversions).
/// </summary>
public sealed record PassedOn(IReadOnlyDictionary<string, string>? Utm, string? VkAdsClickId)
{
    public const string VkAdsClickIdKey = "rb_clickid";

    /// <summary>The parameters to append to the payment page's URL, utm tags first.</summary>
    public IEnumerable<KeyValuePair<string, string>> Parameters =>
        (Utm ?? new Dictionary<string, string>()).Concat(VkAdsClickId is null ? [] : [new(VkAdsClickIdKey, VkAdsClickId)]);
}

/// <summary>What a click tells us beyond the link: UTM tags, VK Ads' click id, the referring host, and a salted hash of the address.</summary>
public sealed class ClickDetails(IConfiguration configuration)
{
    public const int MaxUtmTags = 10;
    public const int MaxValueLength = 200;

    // The salt is secret and stable across restarts: set Donations:IpHashSalt, or it is derived from the admin key.
    private readonly byte[] _salt = SHA256.HashData(Encoding.UTF8.GetBytes(
        "ip-salt:" + (configuration["Donations:IpHashSalt"] ?? configuration.Required(NgoAccess.AdminKeySetting))));

    /// <summary>
    /// Every <c>utm_*</c> tag (at most <see cref="MaxUtmTags"/>) and <c>rb_clickid</c>, each once, of sane length and
    /// without control characters; anything else in the query is neither kept nor passed on.
    /// </summary>
    public static PassedOn PassedOn(IQueryCollection query)
    {
        var utm = query.Keys
            .Where(k => k.StartsWith("utm_", StringComparison.Ordinal) && k.Length is > 4 and <= 40 && k.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            .Select(k => (Key: k, Value: Single(query, k)))
            .Where(t => t.Value is not null)
            .Take(MaxUtmTags)
            .ToDictionary(t => t.Key, t => t.Value!);
        return new PassedOn(utm.Count == 0 ? null : utm, Single(query, Links.PassedOn.VkAdsClickIdKey));
    }

    private static string? Single(IQueryCollection query, string key) =>
        query[key] is { Count: 1 } values && values[0] is { Length: > 0 and <= MaxValueLength } value && !value.Any(char.IsControl) ? value : null;

    public static string? ReferrerHost(string? referrer) =>
        Uri.TryCreate(referrer, UriKind.Absolute, out var uri) && uri.Host.Length <= 253 ? uri.Host.ToLowerInvariant() : null;

    public string? IpHash(System.Net.IPAddress? address) =>
        address is null ? null : Convert.ToHexStringLower(HMACSHA256.HashData(_salt, address.MapToIPv6().GetAddressBytes()))[..32];
}
