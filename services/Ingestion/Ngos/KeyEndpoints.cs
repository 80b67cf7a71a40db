using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Ingestion.Ngos;

/// <param name="Propagated">Whether Attribution and Reporting had applied the change when this was answered.</param>
public sealed record RotatedKey(string Role, string Key, bool Propagated);

/// <summary>
/// Key rotation and revocation. A new key is shown once. The answer comes once the change is stored and Attribution and
/// Reporting have applied it (<see cref="KeyPropagation"/>): from then on the old key is refused on every service.
/// </summary>
public static class KeyEndpoints
{
    public static void MapKeys(this WebApplication app)
    {
        var keys = app.MapGroup("/api/ngos/{ngo}/keys").WithTags("Keys");
        keys.MapPost("/{role}/rotate", Rotate).RequireNgoKey(NgoRoles.Manager, orAdmin: true);
        keys.MapDelete("/", RevokeAll).RequireAdminKey(app.Configuration);
    }

    /// <summary>Replaces the NGO's manager or viewer key(s) with one new key of that role (manager key or admin).</summary>
    private static async Task<IResult> Rotate(string ngo, string role, IDocumentSession session, KeyPropagation propagation, TimeProvider clock, CancellationToken ct)
    {
        if (role is not (NgoRoles.Manager or NgoRoles.Viewer)) return Problems.NotFound($"Keys are '{NgoRoles.Manager}' or '{NgoRoles.Viewer}', not '{role}'.");
        if (await session.LoadAsync<NgoAccount>(ngo, ct) is null) return Problems.NotFound($"No NGO has the id '{ngo}'.");
        var key = ApiKeys.Generate(role);
        var old = await session.Query<ApiKey>().Where(k => k.NgoId == ngo && k.Role == role).ToListAsync(ct);
        var granted = new ApiKeyGranted(ApiKeys.Hash(key), role);
        await ChangeAsync(session, ngo, [granted], old, clock.GetUtcNow(), ct);
        return TypedResults.Ok(new RotatedKey(role, key, await propagation.WaitAsync([granted.KeyHash], old.Select(k => k.Id).ToList(), ct)));
    }

    /// <summary>Revokes every key of the NGO (admin): nothing opens it until the admin rotates new keys in.</summary>
    private static async Task<IResult> RevokeAll(string ngo, IDocumentSession session, KeyPropagation propagation, TimeProvider clock, CancellationToken ct)
    {
        if (await session.LoadAsync<NgoAccount>(ngo, ct) is null) return Problems.NotFound($"No NGO has the id '{ngo}'.");
        var old = await session.Query<ApiKey>().Where(k => k.NgoId == ngo).ToListAsync(ct);
        await ChangeAsync(session, ngo, [], old, clock.GetUtcNow(), ct);
        return TypedResults.Ok(new { revoked = old.Count, propagated = await propagation.WaitAsync([], old.Select(k => k.Id).ToList(), ct) });
    }

    private static async Task ChangeAsync(IDocumentSession session, string ngo, IReadOnlyList<ApiKeyGranted> granted, IReadOnlyList<ApiKey> revoked, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var key in revoked)
        {
            session.Delete(key);
            session.Store(new RevokedApiKey(key.Id, ngo, now));
        }
        session.Store(granted.Select(g => new ApiKey(g.KeyHash, ngo, g.Role, now)).ToArray());
        session.Events.Append(StableId.From("ngo", ngo), new ApiKeysChanged(ngo, granted, revoked.Select(k => k.Id).ToList(), now));
        await session.SaveChangesAsync(ct);
    }
}
