using Marten;

namespace Donations.ServiceDefaults.Messaging;

/// <summary>How far the event store has been written and how far the forwarder has confirmed it to RabbitMQ.</summary>
public sealed record ForwardingProgress(long HighWaterMark, long? Forwarded)
{
    public long Lag => Math.Max(0, HighWaterMark - (Forwarded ?? 0));

    public static async Task<ForwardingProgress> ReadAsync(IDocumentStore store, CancellationToken ct)
    {
        var statistics = await store.Advanced.FetchEventStoreStatistics(token: ct);
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        var forwarder = progress.FirstOrDefault(p => p.ShardName.StartsWith(ForwardingSetup.SubscriptionName, StringComparison.Ordinal));
        return new ForwardingProgress(statistics.EventSequenceNumber, forwarder?.Sequence);
    }
}
