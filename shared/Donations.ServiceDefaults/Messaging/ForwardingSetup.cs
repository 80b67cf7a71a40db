using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Donations.ServiceDefaults.Messaging;

public static class ForwardingSetup
{
    public const string SubscriptionName = "rabbitmq-forwarder";

    /// <summary>Forwards the named contract events, and only those, from this service's event store to RabbitMQ.</summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression ForwardToBroker(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, params Type[] contracts)
    {
        marten.Services.AddHostedService<ForwardingWatchdog>();
        return marten.AddSubscriptionWithServices<EventForwarder>(ServiceLifetime.Singleton, subscription =>
        {
            subscription.Name = SubscriptionName;
            subscription.Options.BatchSize = 500;
            foreach (var contract in contracts) subscription.IncludeType(contract);
        });
    }
}
