using System.Security.Cryptography;
using System.Text;

namespace Donations.ServiceDefaults.Security;

public static class NgoRoles
{
    public const string Manager = "manager";
    public const string Viewer = "viewer";
}

/// <summary>One NGO access key, stored by its SHA-256 hash only; the key itself is shown once, when it is made.</summary>
public sealed record ApiKey(string Id, string NgoId, string Role, DateTimeOffset? GrantedAt = null, DateTimeOffset? LastUsedAt = null);

/// <summary>A key hash that was revoked: a late copy of the grant never brings it back.</summary>
public sealed record RevokedApiKey(string Id, string NgoId, DateTimeOffset RevokedAt);

public static class ApiKeys
{
    public static string Generate(string role) =>
        $"{role[..3]}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24))}";

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
