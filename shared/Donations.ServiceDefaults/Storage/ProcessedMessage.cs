using Marten;
using JasperFx;
using MassTransit;

namespace Donations.ServiceDefaults.Storage;

/// <summary>Marks a message as handled by one consumer, in the same transaction as the changes it caused.</summary>
public sealed record ProcessedMessage(Guid Id, string Consumer, Guid MessageId, DateTimeOffset ProcessedAt);

public static class ProcessedMessages
{
    /// <summary>
    /// Runs <paramref name="handle"/> and commits once per (consumer, message id): a redelivery finds the marker
    /// already committed, or collides on it at commit, and changes nothing.
    /// </summary>
    public static async Task HandleOnceAsync<TConsumer>(this IDocumentSession session, ConsumeContext context, Func<Task> handle)
    {
        var messageId = context.MessageId ?? throw new ArgumentException("A message without an id cannot be deduplicated.");
        var markerId = StableId.From(typeof(TConsumer).Name, messageId.ToString());
        if (await session.LoadAsync<ProcessedMessage>(markerId, context.CancellationToken) is not null) return;

        session.Insert(new ProcessedMessage(markerId, typeof(TConsumer).Name, messageId, DateTimeOffset.UtcNow));
        await handle();
        try
        {
            await session.SaveChangesAsync(context.CancellationToken);
        }
        catch (DocumentAlreadyExistsException e) when (e.DocType == typeof(ProcessedMessage))
        {
            // A concurrent delivery of the same message committed first; its changes stand, ours are dropped.
        }
    }

    /// <summary>
    /// A page of messages in one transaction: <paramref name="handle"/> runs for each message not yet marked as handled by
    /// <typeparamref name="TConsumer"/> (once per message id, though a page holds it twice), and the session is committed.
    /// A concurrent delivery that committed a marker first fails the page, whose messages are then run one by one (see
    /// <c>PageRunner</c>); alone, the collision changes nothing, as above.
    /// </summary>
    public static async Task HandleOnceAsync<TConsumer, T>(this IDocumentSession session, IReadOnlyList<ConsumeContext<T>> page, Func<T, Task> handle, CancellationToken ct)
        where T : class
    {
        var markers = page.Select(context => (context, Id: StableId.From(typeof(TConsumer).Name,
            (context.MessageId ?? throw new ArgumentException("A message without an id cannot be deduplicated.")).ToString()))).ToList();
        var handled = (await session.LoadManyAsync<ProcessedMessage>(ct, markers.Select(m => m.Id).Distinct())).Select(m => m.Id).ToHashSet();
        foreach (var (context, id) in markers)
        {
            if (!handled.Add(id)) continue;
            session.Insert(new ProcessedMessage(id, typeof(TConsumer).Name, context.MessageId!.Value, DateTimeOffset.UtcNow));
            await handle(context.Message);
        }
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (DocumentAlreadyExistsException e) when (e.DocType == typeof(ProcessedMessage) && page.Count == 1)
        {
            // A concurrent delivery of the same message committed first; its changes stand, ours are dropped.
        }
    }
}
