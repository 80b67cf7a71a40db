using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Donations.Ingestion.Webhooks.CloudPayments;

/// <summary>
/// CloudPayments signs each notification twice, keyed with the NGO's API secret: <c>Content-HMAC</c> is the base64
/// HMAC-SHA256 of the raw body bytes, <c>X-Content-HMAC</c> the same over the body's URL-decoded form (for a JSON body
/// there is nothing to decode, so the two agree). A notification is authentic when a header it carries verifies by
/// its own definition.
/// </summary>
public static class CloudPaymentsSignature
{
    public const string Header = "Content-HMAC";
    public const string DecodedHeader = "X-Content-HMAC";

    public static string Sign(string apiSecret, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiSecret), body));

    /// <summary>What <c>X-Content-HMAC</c> is computed over: a form body with its %XX escapes and '+' decoded; a JSON body as sent.</summary>
    public static byte[] Decoded(byte[] body, string? contentType) =>
        IsJson(body, contentType) ? body : WebUtility.UrlDecodeToBytes(body, 0, body.Length) ?? body;

    public static string SignDecoded(string apiSecret, byte[] body, string? contentType) => Sign(apiSecret, Decoded(body, contentType));

    public static bool Verifies(string? header, string apiSecret, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(header)) return false;
        Span<byte> given = stackalloc byte[64];
        if (!Convert.TryFromBase64String(header.Trim(), given, out var length) || length != 32) return false;
        return CryptographicOperations.FixedTimeEquals(given[..length], HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiSecret), body));
    }

    /// <summary>True when <c>Content-HMAC</c> verifies over the raw bytes or <c>X-Content-HMAC</c> over the decoded ones.</summary>
    public static bool Authentic(string? contentHmac, string? xContentHmac, string apiSecret, byte[] body, string? contentType) =>
        Verifies(contentHmac, apiSecret, body) || Verifies(xContentHmac, apiSecret, Decoded(body, contentType));

    private static bool IsJson(byte[] body, string? contentType) =>
        contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true || body.AsSpan().TrimStart(" \t\r\n"u8).StartsWith("{"u8);
}
