using Donations.ServiceDefaults.Storage;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Donations.ServiceDefaults.Messaging;

public static class MessagingSetup
{
    /// <summary>Consumer prefetch: MassTransit's default on two cores is 16, measurably slower than 100.</summary>
    public const ushort PrefetchCount = 100;

    /// <summary>
    /// Messages handled at once per endpoint. Without a limit it equals the prefetch, and a hundred concurrent
    /// consumers each holding a database connection exhaust the pool; the rest of the prefetch waits in memory.
    /// </summary>
    public const int ConcurrentMessageLimit = 16;

    /// <summary>Retries of a message whose handling failed because storage could not be reached (see <see cref="Transience"/>).</summary>
    public const int OutageRetries = 20;

    /// <summary>With <c>Messaging:QuorumQueues</c>: deliveries of one message before RabbitMQ parks it in the dead-letter queue.</summary>
    public const int DeliveryLimit = 20;
    public const string DeadLetterSuffix = "_dead";

    /// <summary>
    /// MassTransit over RabbitMQ with publisher confirms, kebab-case endpoints named for the service, explicit
    /// prefetch, and one retry policy for every consumer. Retries are in-process (short intervals, longer for outages):
    /// Debian's broker has no delayed-message plugin, so delayed redelivery is not used. A message that still
    /// fails lands in the endpoint's <c>_error</c> queue. For a RabbitMQ cluster, <c>Messaging:ClusterNodes</c> lists
    /// host:port of every node (the connection string still gives credentials and virtual host) and
    /// <c>Messaging:QuorumQueues=true</c> makes every queue a quorum queue with a delivery limit.
    /// </summary>
    public static void AddDonationsMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        var broker = Broker(builder.Configuration);
        var service = builder.Environment.ApplicationName.Split('.').Last().ToLowerInvariant();
        var quorum = builder.Configuration.GetValue("Messaging:QuorumQueues", false);

        builder.Services.AddSingleton<PageRunner>();
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(service, false));
            consumers?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((_, name, endpoint) =>
            {
                if (quorum && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    // Replicated across the cluster's nodes; a message delivered DeliveryLimit times without being
                    // acknowledged (a consumer that keeps crashing on it) is parked in {queue}_dead, not redelivered forever.
                    rabbit.SetQuorumQueue();
                    rabbit.SetQueueArgument("x-delivery-limit", DeliveryLimit);
                    rabbit.BindDeadLetterQueue($"{name}{DeadLetterSuffix}", $"{name}{DeadLetterSuffix}", dead => dead.SetQuorumQueue());
                }
                // Outer: storage unreachable (an outage, a restart) is waited out for about 4 minutes, so an outage does
                // not fill the _error queues. Inner: any other failure is retried briefly, then the message is parked.
                endpoint.UseMessageRetry(retry =>
                {
                    retry.ConnectRetryObserver(CountedRetries.Instance);
                    retry.Handle<Exception>(Transience.IsTransient);
                    retry.Exponential(OutageRetries, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(500));
                });
                endpoint.UseMessageRetry(retry =>
                {
                    retry.ConnectRetryObserver(CountedRetries.Instance);
                    retry.Ignore<ArgumentException>();
                    retry.Ignore<Exception>(Transience.IsTransient);
                    retry.Intervals(10, 50, 100, 250, 500, 1000, 2000, 4000);
                });
            });
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, broker.Port, broker.VirtualHost, host =>
                {
                    host.Username(broker.User);
                    host.Password(broker.Password);
                    host.PublisherConfirmation = true;
                    if (broker.ClusterNodes.Length > 0) host.UseCluster(cluster => { foreach (var node in broker.ClusterNodes) cluster.Node(node); });
                });
                rabbit.PrefetchCount = PrefetchCount;
                rabbit.ConcurrentMessageLimit = ConcurrentMessageLimit;
                rabbit.ConfigureEndpoints(context);
            });
        });
    }

    /// <summary>The broker of <c>ConnectionStrings:rabbitmq</c> (credentials and virtual host) and <c>Messaging:ClusterNodes</c>.</summary>
    public static BrokerAddress Broker(IConfiguration configuration)
    {
        var uri = new Uri(configuration.Required("ConnectionStrings:rabbitmq"));
        var parts = uri.UserInfo.Split(':', 2);
        var (user, password) = parts is [{ Length: > 0 } name, var secret] ? (Uri.UnescapeDataString(name), Uri.UnescapeDataString(secret)) : ("guest", "guest");
        return new BrokerAddress(uri.Host, (ushort)(uri.IsDefaultPort || uri.Port < 0 ? 5672 : uri.Port),
            uri.AbsolutePath.Trim('/') is { Length: > 0 } vhost ? Uri.UnescapeDataString(vhost) : "/", user, password,
            (configuration["Messaging:ClusterNodes"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Counts every retry of a message by what failed it (<see cref="StorageConflicts"/>).</summary>
    private sealed class CountedRetries : IRetryObserver
    {
        public static readonly CountedRetries Instance = new();

        public Task PostCreate<T>(RetryPolicyContext<T> context) where T : class, PipeContext => Task.CompletedTask;
        public Task PostFault<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;

        public Task PreRetry<T>(RetryContext<T> context) where T : class, PipeContext
        {
            StorageConflicts.Retried(context.Exception);
            return Task.CompletedTask;
        }

        public Task RetryFault<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;
        public Task RetryComplete<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;
    }
}

public sealed record BrokerAddress(string Host, ushort Port, string VirtualHost, string User, string Password, string[] ClusterNodes)
{
    /// <summary>For work MassTransit does not do (retiring old topology): the first node, or the one the connection string names.</summary>
    public RabbitMQ.Client.ConnectionFactory ConnectionFactory()
    {
        var (host, port) = ClusterNodes is [var node, ..] && node.Split(':') is var parts
            ? (parts[0], parts.Length > 1 && ushort.TryParse(parts[1], out var p) ? p : (ushort)5672)
            : (Host, Port);
        return new RabbitMQ.Client.ConnectionFactory { HostName = host, Port = port, VirtualHost = VirtualHost, UserName = User, Password = Password };
    }
}
