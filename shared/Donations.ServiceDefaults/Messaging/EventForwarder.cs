using System.Diagnostics;
using System.Diagnostics.Metrics;
using Donations.ServiceDefaults.Telemetry;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Donations.ServiceDefaults.Messaging;

/// <summary>
/// The outbox: a Marten subscription that publishes each committed event to RabbitMQ, message id = event id,
/// with publisher confirms and the mandatory flag (a message no queue would take is returned, not dropped).
/// A page is published concurrently and marked done only after every publish in it was confirmed; a broker outage
/// is waited out, never skipped. An event RabbitMQ returns because no queue takes it (a binding missing, a consumer
/// not deployed) is not retried forever, which would hold every event behind it: it is kept in the dead-letter store
/// (<see cref="UnroutableEvent"/>, in the same transaction as the page's progress), counted by
/// <c>donations.forwarder.dead_lettered</c> and alerted on, and the rest flows. Delivery is at-least-once; consumers
/// are idempotent.
/// </summary>
public sealed class EventForwarder(IBus bus, ILogger<EventForwarder> log) : SubscriptionBase
{
    private static readonly Histogram<double> Lag =
        DonationsTelemetry.Meter.CreateHistogram<double>("donations.forwarder.lag", "ms", "Time from event commit to broker confirm");

    private static readonly Counter<long> DeadLettered = DonationsTelemetry.Meter.CreateCounter<long>(
        "donations.forwarder.dead_lettered", "{event}", "Events RabbitMQ returned as unroutable, kept in the dead-letter store instead of forwarded");

    private readonly ResiliencePipeline _untilConfirmed = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException and not MessageReturnedException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(5),
            OnRetry = args =>
            {
                log.LogWarning(args.Outcome.Exception, "Publishing to RabbitMQ failed (attempt {Attempt}); retrying", args.AttemptNumber + 1);
                return ValueTask.CompletedTask;
            },
        })
        // A publish whose confirm never comes (the connection's node died mid-flight) is abandoned and tried again,
        // on whichever node the bus has reconnected to, instead of holding the forwarder forever.
        .AddTimeout(PublishTimeout)
        .Build();

    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        var returned = await Task.WhenAll(page.Events.Select(e => ForwardAsync(e, ct)));
        foreach (var unroutable in returned.OfType<UnroutableEvent>())
        {
            operations.Store(unroutable);
            DeadLettered.Add(1, new KeyValuePair<string, object?>("type", unroutable.EventType));
        }
        return NullChangeListener.Instance;
    }

    /// <summary>Publishes until confirmed; null when confirmed, the dead letter when RabbitMQ returned it as unroutable.</summary>
    private async Task<UnroutableEvent?> ForwardAsync(IEvent @event, CancellationToken ct)
    {
        try
        {
            await _untilConfirmed.ExecuteAsync(token => PublishAsync(@event, token), ct);
            return null;
        }
        catch (MessageReturnedException e)
        {
            log.LogError("RabbitMQ returned event {Sequence} ({Type}) as unroutable: no queue is bound for it. It is kept in the dead-letter store; forwarding goes on",
                @event.Sequence, @event.EventTypeName);
            return new UnroutableEvent(@event.Id, @event.Sequence, @event.StreamId, @event.EventTypeName, e.Message, DateTimeOffset.UtcNow);
        }
    }

    private async ValueTask PublishAsync(IEvent @event, CancellationToken ct)
    {
        using (var activity = DonationsTelemetry.StartFromStored(
                   $"forward {@event.EventTypeName}", ActivityKind.Producer, @event.GetHeader(DonationsTelemetry.TraceParentHeader)?.ToString()))
        {
            activity?.SetTag("donations.event.sequence", @event.Sequence);
            await bus.Publish(@event.Data, @event.EventType, context =>
            {
                context.MessageId = @event.Id;
                context.Headers.Set("Donations-Event-Sequence", @event.Sequence);
                if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit)) rabbit.Mandatory = true;
            }, ct);
        }
        Lag.Record((DateTimeOffset.UtcNow - @event.Timestamp).TotalMilliseconds);
    }
}

/// <summary>
/// The dead-letter store: an event RabbitMQ returned because no queue was bound for its type. The event itself stays
/// in the event store (<see cref="Sequence"/>); once a queue takes the type again it can be published again by id.
/// </summary>
public sealed record UnroutableEvent(Guid Id, long Sequence, Guid StreamId, string EventType, string Reason, DateTimeOffset ReturnedAt);
