using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Donations.ServiceDefaults.Webhooks;

/// <summary>
/// Standard Webhooks 1.0, symmetric: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}"&gt;</c>,
/// several space-separated while a secret is rotated (other schemes, such as <c>v1a</c>, are skipped), and a timestamp
/// within five minutes of our clock. A <c>whsec_</c> secret is base64 after the prefix, as the spec serializes it; any
/// other secret is keyed by its UTF-8 bytes.
/// </summary>
public static class StandardWebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string SecretPrefix = "whsec_";
    public const int MaxIdLength = 128;
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>The spec's bounds on a symmetric secret: 24 to 64 random bytes.</summary>
    public const int MinSecretBytes = 24, MaxSecretBytes = 64;

    /// <summary>A new random secret, as the receiver is shown it.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Why a <c>whsec_</c> secret cannot be used, or null (secrets without the prefix are not this rule's).</summary>
    public static string? SecretProblem(string secret) =>
        !secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? null
        : TryKey(secret, out var key) && key.Length is >= MinSecretBytes and <= MaxSecretBytes ? null
        : $"A '{SecretPrefix}' secret is '{SecretPrefix}' followed by the base64 of {MinSecretBytes} to {MaxSecretBytes} random bytes.";

    public static string Sign(string secret, string id, long unixSeconds, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(Compute(Key(secret), id, unixSeconds, body));

    /// <summary>Why the three headers do not verify the body, or null when they do.</summary>
    public static string? Problem(string? id, string? timestamp, string? signatures, string secret, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(timestamp) || string.IsNullOrWhiteSpace(signatures))
            return $"Standard Webhooks need all three headers: '{IdHeader}', '{TimestampHeader}' and '{SignatureHeader}'.";
        if (id.Length > MaxIdLength) return $"'{IdHeader}' is at most {MaxIdLength} characters.";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return $"'{TimestampHeader}' must be the integer number of seconds since 1970-01-01T00:00:00Z.";
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > Tolerance.TotalSeconds)
            return $"'{TimestampHeader}' is more than {Tolerance.TotalMinutes} minutes from the server's clock; the request may be a replay.";

        var expected = Compute(Key(secret), id, seconds, body);
        Span<byte> given = stackalloc byte[64];
        foreach (var signature in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = signature.IndexOf(',');
            if (comma < 0 || signature[..comma] != "v1") continue;
            if (Convert.TryFromBase64String(signature[(comma + 1)..], given, out var length) && length == expected.Length
                && CryptographicOperations.FixedTimeEquals(given[..length], expected)) return null;
        }
        return $"No 'v1' signature in '{SignatureHeader}' matches the body; check the secret configured for the generic provider.";
    }

    private static byte[] Key(string secret) => TryKey(secret, out var key) ? key : Encoding.UTF8.GetBytes(secret);

    private static bool TryKey(string secret, out byte[] key)
    {
        key = [];
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal)) return false;
        try
        {
            key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Compute(byte[] key, string id, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{unixSeconds.ToString(CultureInfo.InvariantCulture)}.");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, message);
    }
}
