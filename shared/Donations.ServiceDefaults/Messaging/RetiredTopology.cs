using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Donations.ServiceDefaults.Messaging;

/// <summary>A queue an earlier version consumed from; its messages move to <paramref name="Successor"/>, then it is deleted.</summary>
public sealed record RetiredQueue(string Name, string Successor);

/// <summary>An exchange-to-exchange binding an earlier version declared: <paramref name="Source"/> no longer feeds <paramref name="Destination"/>.</summary>
public sealed record RetiredBinding(string Source, string Destination)
{
    /// <summary>The exchange MassTransit publishes <typeparamref name="T"/> to, feeding the endpoint <paramref name="destination"/>.</summary>
    public static RetiredBinding Of<T>(string destination) => new($"{typeof(T).Namespace}:{typeof(T).Name}", destination);
}

/// <summary>
/// MassTransit declares queues and bindings but never removes them, so after an upgrade a renamed endpoint's old queue
/// keeps receiving a copy of every message, with no consumer, and RabbitMQ's memory grows. This step removes what the
/// code no longer declares: a retired queue is first cut off from its exchanges, its messages are moved to its
/// successor (consumers are idempotent, so a copy that also reached the successor is a redelivery), and it is deleted.
/// It leaves a queue an earlier version still consumes (a rolling deploy), and checks again every
/// <c>Messaging:RetiredTopologyInterval</c> (an earlier version reconnecting declares its topology again).
/// </summary>
public static class RetiredTopology
{
    public static void RetireTopology(this IHostApplicationBuilder builder, RetiredQueue[]? queues = null, RetiredBinding[]? bindings = null)
    {
        var factory = MessagingSetup.Broker(builder.Configuration).ConnectionFactory();
        var interval = builder.Configuration.GetValue("Messaging:RetiredTopologyInterval", TimeSpan.FromMinutes(1));
        builder.Services.AddHostedService(services => new Retirement(
            factory, queues ?? [], bindings ?? [], interval, services.GetRequiredService<ILogger<Retirement>>()));
    }

    private sealed class Retirement(ConnectionFactory factory, RetiredQueue[] queues, RetiredBinding[] bindings, TimeSpan interval, ILogger log) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await using var connection = await factory.CreateConnectionAsync(ct);
                    foreach (var binding in bindings) await UnbindAsync(connection, binding, ct);
                    foreach (var queue in queues) await RetireAsync(connection, queue, ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    log.LogWarning("Retiring old RabbitMQ queues and bindings failed, trying again in {Interval}: {Error}", interval, e.Message);
                }
                await Task.Delay(interval, ct);
            }
        }

        /// <summary>Removes the binding (RabbitMQ answers the same whether it was there or not).</summary>
        private static async Task UnbindAsync(IConnection connection, RetiredBinding binding, CancellationToken ct)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            try
            {
                await channel.ExchangeUnbindAsync(binding.Destination, binding.Source, "", cancellationToken: ct);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404) { } // an exchange is gone, and the binding with it
        }

        /// <summary>Retires the queue when it exists and nothing consumes it (else an earlier version still runs: next time).</summary>
        private async Task RetireAsync(IConnection connection, RetiredQueue queue, CancellationToken ct)
        {
            if (await ConsumersAsync(connection, queue.Name, ct) is not 0) return;
            if (await ConsumersAsync(connection, queue.Successor, ct) is null)
                throw new InvalidOperationException($"Queue {queue.Successor} (successor of {queue.Name}) does not exist yet.");

            await using (var channel = await connection.CreateChannelAsync(cancellationToken: ct))
            {
                try
                {
                    await channel.ExchangeDeleteAsync(queue.Name, cancellationToken: ct); // MassTransit binds a queue through its namesake exchange
                }
                catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404) { }
            }

            var moved = 0;
            await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), ct))
            {
                while (await channel.BasicGetAsync(queue.Name, false, ct) is { } message)
                {
                    await channel.BasicPublishAsync("", queue.Successor, true, new BasicProperties(message.BasicProperties), message.Body, ct);
                    await channel.BasicAckAsync(message.DeliveryTag, false, ct);
                    moved++;
                }
                await channel.QueueDeleteAsync(queue.Name, ifUnused: true, ifEmpty: true, cancellationToken: ct);
            }
            log.LogInformation("Retired queue {Queue} of an earlier version: {Moved} messages moved to {Successor}", queue.Name, moved, queue.Successor);
        }

        /// <summary>The queue's consumer count, or null when it does not exist.</summary>
        private static async Task<uint?> ConsumersAsync(IConnection connection, string queue, CancellationToken ct)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            try
            {
                return (await channel.QueueDeclarePassiveAsync(queue, ct)).ConsumerCount;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                return null;
            }
        }
    }
}
