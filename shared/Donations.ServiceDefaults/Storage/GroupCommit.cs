using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Donations.ServiceDefaults.Telemetry;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Donations.ServiceDefaults.Storage;

/// <summary>
/// Group commit: the writes of concurrent requests go into one PostgreSQL transaction, and each request is
/// answered only when that transaction has committed — durable, but without paying one commit per request.
/// There is no timer: while one batch commits, the next gathers, so a quiet system commits each write at once
/// and a busy one commits many per round trip. A batch that fails is re-run one write per transaction, so a
/// duplicate or a concurrency conflict fails only its own request. Each event keeps the trace of the request that
/// wrote it. <c>Donations:GroupCommit=false</c> gives every write its own transaction (the naive path, kept for
/// the benchmark).
/// </summary>
public sealed class GroupCommit : IHostedService, IAsyncDisposable
{
    public const int MaxBatch = 256;
    private const int Writers = 2;

    private static readonly Histogram<int> BatchSizes =
        DonationsTelemetry.Meter.CreateHistogram<int>("donations.group_commit.batch_size", "writes", "Writes committed together");

    private readonly IDocumentStore _store;
    private readonly bool _grouped;
    private readonly Channel<Write> _queue = Channel.CreateBounded<Write>(new BoundedChannelOptions(10_000) { SingleWriter = false });
    private readonly CancellationTokenSource _stopping = new();
    private Task[] _writers = [];
    private int _disposed;

    /// <summary>
    /// A write still waiting this long is not attempted any more: its request has been answered 503 by then
    /// (<see cref="Http.Unavailable.Deadline"/>), and a write nobody acknowledged should not appear later.
    /// </summary>
    public static readonly TimeSpan GiveUpAfter = Http.Unavailable.Deadline;

    private sealed record Write(Action<IDocumentSession> Apply, string? TraceParent, TaskCompletionSource Done, long Queued)
    {
        /// <summary>Past <see cref="GiveUpAfter"/>, fails the write's caller and returns true: the write is not to be attempted.</summary>
        public bool TryGiveUp() => Stopwatch.GetElapsedTime(Queued) >= GiveUpAfter
                                   && Done.TrySetException(new TimeoutException($"Not committed within {GiveUpAfter.TotalSeconds:0} s; not attempted."));
    }

    public GroupCommit(IDocumentStore store, IConfiguration configuration)
    {
        _store = store;
        _grouped = configuration.GetValue("Donations:GroupCommit", true);
    }

    /// <summary>Queues <paramref name="apply"/>'s changes and completes once they are committed, or throws what committing them threw.</summary>
    public async Task CommitAsync(Action<IDocumentSession> apply, CancellationToken ct)
    {
        var write = new Write(apply, Activity.Current?.Id, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Stopwatch.GetTimestamp());
        if (!_grouped)
        {
            await CommitAloneAsync(write, ct);
            await write.Done.Task;
            return;
        }
        await _queue.Writer.WriteAsync(write, ct);
        // A request past its deadline stops waiting; its write may still commit, and it answered no 2xx for it.
        await write.Done.Task.WaitAsync(ct);
    }

    public Task StartAsync(CancellationToken ct)
    {
        _writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(() => DrainAsync(_stopping.Token))).ToArray();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers).WaitAsync(ct).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        var batch = new List<Write>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var write)) batch.Add(write);
            if (batch.Count == 0) continue;
            await CommitBatchAsync(batch, ct);
            batch.Clear();
        }
    }

    private async Task CommitBatchAsync(List<Write> batch, CancellationToken ct)
    {
        batch.RemoveAll(write => write.TryGiveUp());
        if (batch.Count == 0) return;
        BatchSizes.Record(batch.Count);
        if (batch.Count == 1)
        {
            await CommitAloneAsync(batch[0], ct);
            return;
        }
        try
        {
            await using var session = _store.LightweightSession();
            foreach (var write in batch) Apply(session, write);
            await session.SaveChangesAsync(ct);
            foreach (var write in batch) write.Done.TrySetResult();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            StorageConflicts.RolledBack(e);
            // One bad write must not fail its neighbours: each gets a transaction of its own and its own outcome.
            await Task.WhenAll(batch.Select(write => CommitAloneAsync(write, ct)));
        }
    }

    private async Task CommitAloneAsync(Write write, CancellationToken ct)
    {
        if (write.TryGiveUp()) return;
        try
        {
            await using var session = _store.LightweightSession();
            Apply(session, write);
            await session.SaveChangesAsync(ct);
            write.Done.TrySetResult();
        }
        catch (Exception e)
        {
            StorageConflicts.RolledBack(e);
            write.Done.TrySetException(e);
        }
    }

    private static void Apply(IDocumentSession session, Write write)
    {
        var before = session.PendingChanges.Streams().Count;
        write.Apply(session);
        if (write.TraceParent is null) return;
        foreach (var stream in session.PendingChanges.Streams().Skip(before))
        foreach (var @event in stream.Events)
            @event.SetHeader(DonationsTelemetry.TraceParentHeader, write.TraceParent);
    }

    /// <summary>Idempotent: the container disposes this instance both as a singleton and as the hosted service it also is.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }
}
