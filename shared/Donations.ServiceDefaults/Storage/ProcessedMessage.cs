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
}
