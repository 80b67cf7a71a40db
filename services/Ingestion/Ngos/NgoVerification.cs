using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Ingestion.Ngos;

/// <summary>The NGO's verification history: a person says so, or the VK sync read the community's mark.</summary>
public static class NgoVerification
{
    /// <summary>Adds the change to <paramref name="session"/> (unsaved) when the mark differs; null when nothing changes.</summary>
    public static async Task<NgoVerificationChanged?> ChangeAsync(IDocumentSession session, string ngo, bool verified, DateTimeOffset at, CancellationToken ct)
    {
        var account = await session.LoadAsync<NgoAccount>(ngo, ct);
        if (account is null || account.Verified == verified) return null;
        var changed = new NgoVerificationChanged(ngo, verified, at);
        session.Events.Append(StableId.From("ngo", ngo), changed);
        session.Store(account with { Verified = verified });
        return changed;
    }
}
