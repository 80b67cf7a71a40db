using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Storage;
using Marten;
using MassTransit;

namespace Donations.ServiceDefaults.Security;

/// <summary>
/// Keeps this service's copy of each NGO's key hashes, so it can check keys without asking Ingestion. Grants and
/// revocations may arrive in any order: a revoked hash leaves a tombstone that a late grant does not pass.
/// </summary>
public sealed class KeysConsumer(IDocumentSession session) : IConsumer<NgoRegistered>, IConsumer<ApiKeysChanged>
{
    public Task Consume(ConsumeContext<NgoRegistered> context) =>
        session.HandleOnceAsync<KeysConsumer>(context, () => GrantAsync(context.Message.NgoId, context.Message.Keys, context.Message.RegisteredAt, context.CancellationToken));

    public Task Consume(ConsumeContext<ApiKeysChanged> context) =>
        session.HandleOnceAsync<KeysConsumer>(context, async () =>
        {
            var m = context.Message;
            foreach (var hash in m.RevokedHashes)
            {
                session.Delete<ApiKey>(hash);
                session.Store(new RevokedApiKey(hash, m.NgoId, m.ChangedAt));
            }
            await GrantAsync(m.NgoId, m.Granted, m.ChangedAt, context.CancellationToken);
        });

    private async Task GrantAsync(string ngo, IReadOnlyList<ApiKeyGranted> keys, DateTimeOffset at, CancellationToken ct)
    {
        var revoked = (await session.LoadManyAsync<RevokedApiKey>(ct, keys.Select(k => k.KeyHash).ToArray())).Select(r => r.Id).ToHashSet();
        var granted = keys.Where(k => !revoked.Contains(k.KeyHash)).Select(k => new ApiKey(k.KeyHash, ngo, k.Role, at)).ToArray();
        if (granted.Length > 0) session.Store(granted);
    }
}
