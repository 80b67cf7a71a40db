using Donations.ServiceDefaults.Messaging;
using MassTransit;

namespace Donations.Attribution.Ledger;

/// <summary>
/// The one place this service decides clicks, subscriptions and donations: the ledger endpoint's pages (clicks,
/// donations, refunds) and the replay's batches are written one at a time in this instance, and the endpoint has a
/// single active consumer across instances (the others stand by and take over when it dies). So a donation and its
/// click, or two charges of one subscription, never race to write the same document: no rolled-back appends, no
/// gaps in the event sequence for the forwarder to wait out. Optimistic concurrency stays, for a hand-over.
/// </summary>
public sealed class LedgerWriter(PageRunner pages)
{
    public const string Endpoint = "attribution-ledger";

    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>
    /// Runs <paramref name="prefetch"/> for the page's messages, then <paramref name="decide"/> for each, in order, in one
    /// unit of work, then commits it.
    /// </summary>
    public async Task WriteAsync<T>(ConsumeContext<Batch<T>> page, Func<Attributor, IReadOnlyList<T>, CancellationToken, Task> prefetch,
        Func<Attributor, ConsumeContext<T>, CancellationToken, Task> decide) where T : class
    {
        var ct = page.CancellationToken;
        await _one.WaitAsync(ct);
        try
        {
            await pages.RunAsync(page.Message, async (services, messages) =>
            {
                var attributor = services.GetRequiredService<Attributor>();
                await prefetch(attributor, messages.Select(m => m.Message).ToList(), ct);
                foreach (var message in messages)
                {
                    attributor.TraceParent = message.TraceParent();
                    await decide(attributor, message, ct);
                }
                await attributor.SaveAsync(ct);
            });
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>Runs <paramref name="write"/> while no page is being written in this instance (the replay).</summary>
    public async Task ExclusiveAsync(Func<Task> write, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            await write();
        }
        finally
        {
            _one.Release();
        }
    }
}
