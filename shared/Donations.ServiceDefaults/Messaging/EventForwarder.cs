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
/// A page is marked done only after every publish in it was confirmed; a broker outage is waited out, never
/// skipped. Delivery is at-least-once; consumers are idempotent.
/// </summary>
public sealed class EventForwarder(IBus bus, ILogger<EventForwarder> log) : SubscriptionBase
{
    private static readonly Histogram<double> Lag =
        DonationsTelemetry.Meter.CreateHistogram<double>("donations.forwarder.lag", "ms", "Time from event commit to broker confirm");

    private readonly ResiliencePipeline _untilConfirmed = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
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
        await Task.WhenAll(page.Events.Select(e => _untilConfirmed.ExecuteAsync(token => PublishAsync(e, token), ct).AsTask()));
        return NullChangeListener.Instance;
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
