using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Donations.Ingestion.Webhooks.Generic;

/// <summary>
/// <c>Donations-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;raw body&gt;"&gt;</c>, valid for five
/// minutes either side of our clock. Several <c>v1</c> values may be sent while a secret is rotated.
/// </summary>
public static class GenericSignature
{
    public const string Header = "Donations-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body) =>
        $"t={unixSeconds},v1={Convert.ToHexStringLower(Compute(secret, unixSeconds, body))}";

    /// <summary>Why the header does not verify, or null when it does.</summary>
    public static string? Problem(string? header, string secret, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(header)) return $"The '{Header}' header is missing.";

        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2) continue;
            if (pair[0] == "t" && long.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t)) timestamp = t;
            else if (pair[0] == "v1" && pair[1].Length == 64 && TryHex(pair[1], out var bytes)) signatures.Add(bytes);
        }
        if (timestamp is null || signatures.Count == 0) return $"The '{Header}' header must look like 't=<unix seconds>,v1=<hex>'.";
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp.Value) > Tolerance.TotalSeconds)
            return $"The signature timestamp is more than {Tolerance.TotalMinutes} minutes from the server's clock; the request may be a replay.";

        var expected = Compute(secret, timestamp.Value, body);
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(s, expected))
            ? null
            : "The signature does not match the body; check the secret configured for the generic provider.";
    }

    private static byte[] Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }

    private static bool TryHex(string hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
