using System.Diagnostics;
using System.Threading.Channels;
using Donations.ServiceDefaults.Messaging;
using MassTransit;

namespace Donations.Attribution.Ledger;

/// <summary>What deciding a message will read, so a page reads it in one round trip per kind.</summary>
public sealed record Reads(Guid[]? Ledgers = null, Guid[]? Touchpoints = null, string[]? DonorVisitors = null, string[]? Subscriptions = null, string[]? Visitors = null);

/// <summary>
/// The one place this service decides clicks, subscriptions and donations. The ledger endpoint's consumers (clicks,
/// donations, refunds) hand each message here and wait; one loop writes what has arrived as a page — in arrival
/// order, in one unit of work and one commit — so a page is as large as the backlog (up to <see cref="Pages.MessageLimit"/>)
/// and a quiet system writes each message at once. The replay's batches take turns with the pages. The endpoint has a
/// single active consumer across instances (the others stand by and take over when it dies). So a donation and its
/// click, or two charges of one subscription, never race to write the same document: no rolled-back appends, no gaps
/// in the event sequence for the forwarder to wait out. Optimistic concurrency stays, for a hand-over.
/// </summary>
public sealed class LedgerWriter(PageRunner pages) : BackgroundService
{
    public const string Endpoint = "attribution-ledger";

    private sealed record Work(Reads Reads, string? TraceParent, Func<Attributor, CancellationToken, Task> Decide, TaskCompletionSource Done);

    private readonly Channel<Work> _arrived = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Queues <paramref name="decide"/> for <paramref name="message"/> and completes once its page has committed (or throws what failed it).</summary>
    public Task WriteAsync<T>(ConsumeContext<T> message, Reads reads, Func<Attributor, ConsumeContext<T>, CancellationToken, Task> decide) where T : class
    {
        // The consumer's own span (in the message's trace): the events this message causes are forwarded under it.
        var work = new Work(reads, Activity.Current?.Id, (attributor, ct) => decide(attributor, message, ct), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_arrived.Writer.TryWrite(work)) throw new InvalidOperationException("The ledger writer has stopped.");
        return work.Done.Task.WaitAsync(message.CancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var page = new List<Work>(Pages.MessageLimit);
        while (await _arrived.Reader.WaitToReadAsync(stopping))
        {
            while (page.Count < Pages.MessageLimit && _arrived.Reader.TryRead(out var work)) page.Add(work);
            await ExclusiveAsync(() => WritePageAsync(page, stopping), stopping);
            page.Clear();
        }
    }

    private async Task WritePageAsync(List<Work> page, CancellationToken ct)
    {
        Exception?[] outcomes;
        try
        {
            outcomes = await pages.RunAsync(page, async (services, works) =>
            {
                var attributor = services.GetRequiredService<Attributor>();
                await attributor.PrefetchAsync(ct,
                    works.SelectMany(w => w.Reads.Ledgers ?? []), works.SelectMany(w => w.Reads.Touchpoints ?? []),
                    works.SelectMany(w => w.Reads.DonorVisitors ?? []), works.SelectMany(w => w.Reads.Subscriptions ?? []),
                    works.SelectMany(w => w.Reads.Visitors ?? []));
                foreach (var work in works)
                {
                    attributor.TraceParent = work.TraceParent;
                    await work.Decide(attributor, ct);
                }
                await attributor.SaveAsync(ct);
            });
        }
        catch (Exception e) // storage unreachable: each message fails and its consumer's retry policy waits it out
        {
            foreach (var work in page) work.Done.TrySetException(e);
            return;
        }
        for (var i = 0; i < page.Count; i++)
            if (outcomes[i] is { } failed) page[i].Done.TrySetException(failed);
            else page[i].Done.TrySetResult();
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
