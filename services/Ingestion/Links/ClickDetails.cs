using System.Security.Cryptography;
using System.Text;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;

namespace Donations.Ingestion.Links;

/// <summary>What a click tells us beyond the link: UTM tags, the referring host, and a salted hash of the address.</summary>
public sealed class ClickDetails(IConfiguration configuration)
{
    private static readonly string[] UtmKeys = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"];

    // The salt is secret and stable across restarts: set Donations:IpHashSalt, or it is derived from the admin key.
    private readonly byte[] _salt = SHA256.HashData(Encoding.UTF8.GetBytes(
        "ip-salt:" + (configuration["Donations:IpHashSalt"] ?? configuration.Required(NgoAccess.AdminKeySetting))));

    public IReadOnlyDictionary<string, string>? Utm(IQueryCollection query)
    {
        var utm = UtmKeys.Where(k => query[k].ToString() is { Length: > 0 and <= 200 })
            .ToDictionary(k => k, k => query[k].ToString());
        return utm.Count == 0 ? null : utm;
    }

    public static string? ReferrerHost(string? referrer) =>
        Uri.TryCreate(referrer, UriKind.Absolute, out var uri) && uri.Host.Length <= 253 ? uri.Host.ToLowerInvariant() : null;

    public string? IpHash(System.Net.IPAddress? address) =>
        address is null ? null : Convert.ToHexStringLower(HMACSHA256.HashData(_salt, address.MapToIPv6().GetAddressBytes()))[..32];
}
