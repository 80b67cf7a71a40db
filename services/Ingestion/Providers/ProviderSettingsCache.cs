using Donations.ServiceDefaults.Security;
using Marten;
using Microsoft.Extensions.Caching.Memory;

namespace Donations.Ingestion.Providers;

/// <summary>
/// Provider settings are read on every webhook and change rarely: they are kept in memory for a few seconds. A
/// change made through this instance applies at once; one made through another instance within
/// <see cref="Lifetime"/>. Secrets are stored sealed (<see cref="SecretBox"/>) and opened here, so only memory holds them in clear.
/// </summary>
public sealed class ProviderSettingsCache(IMemoryCache cache, ISessionFactory sessions, SecretBox secrets)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    public async Task<ProviderSettings?> FindAsync(string ngo, string provider, CancellationToken ct) =>
        await cache.GetOrCreateAsync(ProviderSettings.DocumentId(ngo, provider), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Lifetime;
            entry.Size = 1;
            await using var session = sessions.QuerySession();
            return await session.LoadAsync<ProviderSettings>(ProviderSettings.DocumentId(ngo, provider), ct) is { } stored
                ? stored with { Secret = secrets.Open(stored.Secret), YooKassaSecretKey = secrets.Open(stored.YooKassaSecretKey) }
                : null;
        });

    public void Forget(string ngo, string provider) => cache.Remove(ProviderSettings.DocumentId(ngo, provider));
}
