using Marten;

namespace Donations.ServiceDefaults.Security;

public sealed record KeyUseLine(string Role, DateTimeOffset? GrantedAt, DateTimeOffset? LastUsedAt);

/// <summary>The NGO's live keys as this service sees them: when each was granted and last used here (never the key).</summary>
public static class KeyUse
{
    public static async Task<IReadOnlyList<KeyUseLine>> ListAsync(string ngo, IQuerySession session, CancellationToken ct) =>
        (await session.Query<ApiKey>().Where(k => k.NgoId == ngo).ToListAsync(ct))
        .OrderBy(k => k.Role).ThenBy(k => k.GrantedAt)
        .Select(k => new KeyUseLine(k.Role, k.GrantedAt, k.LastUsedAt)).ToList();

    /// <summary>
    /// Whether this service knows a key hash and whether it was revoked, for Ingestion to see a key change applied. A
    /// hash of a random 24-byte key tells nobody the key, so this needs no key of its own.
    /// </summary>
    public static async Task<object> StateAsync(string hash, IQuerySession session, CancellationToken ct) => new
    {
        known = await session.LoadAsync<ApiKey>(hash, ct) is not null,
        revoked = await session.LoadAsync<RevokedApiKey>(hash, ct) is not null,
    };
}
