using System.Security.Cryptography;
using System.Text;

namespace Donations.Ingestion.Webhooks.CloudPayments;

/// <summary><c>Content-HMAC</c>: base64 of HMAC-SHA256 over the raw body bytes, keyed with the NGO's API secret.</summary>
public static class CloudPaymentsSignature
{
    public const string Header = "Content-HMAC";
    public const string AlternateHeader = "X-Content-HMAC";

    public static string Sign(string apiSecret, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiSecret), body));

    public static bool Verifies(string? header, string apiSecret, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(header)) return false;
        Span<byte> given = stackalloc byte[64];
        if (!Convert.TryFromBase64String(header.Trim(), given, out var length) || length != 32) return false;
        return CryptographicOperations.FixedTimeEquals(given[..length], HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiSecret), body));
    }
}
