using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Marten;
using JasperFx;
using Marten.Exceptions;
using Microsoft.Extensions.Caching.Memory;

namespace Donations.Ingestion.Donors;

/// <summary>
/// One donor of one NGO: found by a keyed hash of the donor's own id (never the id itself), known everywhere else by a
/// random pseudonym, and holding the donor's own encryption key (sealed with Data Protection). Deleting it is erasure.
/// </summary>
public sealed record DonorKey(string Id, string NgoId, string DonorId, string SealedKey, DateTimeOffset CreatedAt, string? SealedDetails = null, string? EmailLookup = null);

/// <summary>What a provider told us of a donor.</summary>
public sealed record DonorDetails(string? Email, string? Name);

/// <summary>The pseudonym facts carry, and the donor's details sealed with the donor's key.</summary>
public sealed record Donor(string Id, string? Sealed);

/// <summary>
/// Crypto-shredding of donors' personal data (152-FZ, GDPR): every donor gets a key of their own; what identifies them is
/// sealed with it before it is stored, and only a pseudonym travels to Attribution and Reporting. Erasure destroys the key
/// and the lookup, so every sealed copy — in the event store included — becomes unreadable while the money stays.
/// </summary>
public sealed class DonorVault(ISessionFactory sessions, SecretBox secrets, IMemoryCache cache, IConfiguration configuration)
{
    private static readonly TimeSpan Cached = TimeSpan.FromSeconds(10);
    private readonly byte[] _lookupKey = SHA256.HashData(Encoding.UTF8.GetBytes(
        "donor-lookup:" + (configuration["Donations:IpHashSalt"] ?? configuration.Required(NgoAccess.AdminKeySetting))));

    public static bool IsPseudonym(string value) => value.StartsWith("dnr_", StringComparison.Ordinal);

    /// <summary>The donor known by <paramref name="ownId"/> (or, lacking one, the email), made on first sight; null when the provider named nobody.</summary>
    public async Task<Donor?> IdentifyAsync(string ngo, string? ownId, DonorDetails details, CancellationToken ct)
    {
        if ((ownId ?? details.Email) is not { Length: > 0 } natural) return null;
        var sealedDetails = (Func<byte[], string?>)(secret =>
            details.Email is null && details.Name is null ? null : Seal(secret, JsonSerializer.SerializeToUtf8Bytes(details)));
        var key = await KeyAsync(ngo, natural, details.Email, sealedDetails, ct);
        return new Donor(key.DonorId, sealedDetails(key.Secret));
    }

    /// <summary>The donor's details as first given, or null once the donor is erased (or was never known).</summary>
    public async Task<(DonorKey Key, DonorDetails Details)?> RevealAsync(string ngo, string donor, CancellationToken ct)
    {
        await using var session = sessions.QuerySession();
        if (await FindAsync(session, ngo, donor, ct) is not { } key) return null;
        var details = key.SealedDetails is null
            ? new DonorDetails(null, null)
            : JsonSerializer.Deserialize<DonorDetails>(Open(Convert.FromBase64String(secrets.Open(key.SealedKey)!), key.SealedDetails))!;
        return (key, details);
    }

    /// <summary>Finds the donor by pseudonym or by their own id or email; the key to destroy, or null.</summary>
    public async Task<DonorKey?> FindAsync(IQuerySession session, string ngo, string donor, CancellationToken ct)
    {
        if (IsPseudonym(donor)) return await session.Query<DonorKey>().Where(k => k.NgoId == ngo && k.DonorId == donor).FirstOrDefaultAsync(ct);
        var lookup = LookupId(ngo, donor);
        return await session.LoadAsync<DonorKey>(lookup, ct)
               ?? await session.Query<DonorKey>().Where(k => k.NgoId == ngo && k.EmailLookup == lookup).FirstOrDefaultAsync(ct);
    }

    public void Forget(DonorKey key) => cache.Remove(key.Id);

    private string LookupId(string ngo, string natural) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_lookupKey, Encoding.UTF8.GetBytes($"{ngo}\n{natural.Trim().ToLowerInvariant()}")));

    private async Task<(string DonorId, byte[] Secret)> KeyAsync(string ngo, string natural, string? email, Func<byte[], string?> sealDetails, CancellationToken ct)
    {
        var id = LookupId(ngo, natural);
        if (cache.TryGetValue(id, out (string, byte[]) known)) return known;
        for (var attempt = 0; ; attempt++)
        {
            await using var session = sessions.OpenSession();
            var stored = await session.LoadAsync<DonorKey>(id, ct);
            if (stored is null)
            {
                var secret = RandomNumberGenerator.GetBytes(32);
                stored = new DonorKey(id, ngo, $"dnr_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}", secrets.Seal(Convert.ToBase64String(secret))!,
                    DateTimeOffset.UtcNow, sealDetails(secret), email is null ? null : LookupId(ngo, email));
                session.Insert(stored);
                try
                {
                    await session.SaveChangesAsync(ct);
                }
                catch (DocumentAlreadyExistsException) when (attempt < 2)
                {
                    continue; // the same donor seen twice at once: the other delivery made the key
                }
            }
            var found = (stored.DonorId, Convert.FromBase64String(secrets.Open(stored.SealedKey)!));
            cache.Set(id, found, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Cached, Size = 1 });
            return found;
        }
    }

    private static string Seal(byte[] key, byte[] plain)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plain, cipher, tag);
        return Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    private static byte[] Open(byte[] key, string sealedText)
    {
        var all = Convert.FromBase64String(sealedText);
        var plain = new byte[all.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(all.AsSpan(0, 12), all.AsSpan(28), all.AsSpan(12, 16), plain);
        return plain;
    }
}
