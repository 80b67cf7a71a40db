using JasperFx;
using Marten;

namespace Donations.Reporting.OutgoingWebhooks;

public static class WebhookEndpointUpdates
{
    /// <summary>Changes an endpoint as stored now: a concurrent change (a manager's edit, another delivery's outcome) is read again, not overwritten.</summary>
    public static async Task<WebhookEndpoint?> UpdateAsync(IDocumentStore store, Guid id, Action<WebhookEndpoint> change, CancellationToken ct)
    {
        for (var i = 0; ; i++)
        {
            await using var session = store.LightweightSession();
            if (await session.LoadAsync<WebhookEndpoint>(id, ct) is not { } endpoint) return null;
            change(endpoint);
            session.Update(endpoint);
            try
            {
                await session.SaveChangesAsync(ct);
                return endpoint;
            }
            catch (ConcurrencyException) when (i < 5)
            {
            }
        }
    }
}
