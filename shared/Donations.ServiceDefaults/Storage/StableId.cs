using System.Security.Cryptography;
using System.Text;

namespace Donations.ServiceDefaults.Storage;

/// <summary>
/// Deterministic ids: the same natural key always gives the same Guid, so a second write of the same fact
/// collides in the database instead of creating a twin.
/// </summary>
public static class StableId
{
    public static Guid From(params string[] parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts)));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8: application-defined
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}
