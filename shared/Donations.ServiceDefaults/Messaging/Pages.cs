using Donations.ServiceDefaults.Storage;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Donations.ServiceDefaults.Messaging;

/// <summary>
/// Pages of messages: a batch consumer (<c>IConsumer&lt;Batch&lt;T&gt;&gt;</c>) gets up to <see cref="MessageLimit"/> messages
/// gathered for at most <see cref="TimeLimit"/>, and writes them in one unit of work and one commit. Each message's
/// handling stays idempotent, so a redelivered page changes nothing.
/// </summary>
public static class Pages
{
    public const int MessageLimit = 100;

    /// <summary>How long a page waits for more messages after its first: part of every donation's lag, so short.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(20);

    /// <summary>Messages an endpoint of page consumers lets in: two pages (one being written, one gathering) for up to three consumers.</summary>
    public const int EndpointLimit = 2 * MessageLimit * 3;

    /// <summary>
    /// Registers a batch consumer taking one page at a time per instance, on <paramref name="endpoint"/> when given (several
    /// consumers may share one). The endpoint must let whole pages in: its prefetch and concurrent-message limit are
    /// raised to <see cref="EndpointLimit"/>, or MassTransit would cap each page at the bus-wide limits. With
    /// <paramref name="singleActive"/> the queue has RabbitMQ's single active consumer: one instance takes its messages,
    /// the others stand by.
    /// </summary>
    public static void AddPageConsumer<TConsumer>(this IBusRegistrationConfigurator bus, string? endpoint = null, bool singleActive = false)
        where TConsumer : class, IConsumer
    {
        bus.AddConsumer<TConsumer>(consumer => consumer.Options<BatchOptions>(page => page
                .SetMessageLimit(MessageLimit)
                .SetTimeLimit(TimeLimit)
                .SetConcurrencyLimit(1)))
            .Endpoint(e =>
            {
                if (endpoint is not null) e.Name = endpoint;
                e.PrefetchCount = EndpointLimit;
                e.ConcurrentMessageLimit = EndpointLimit;
            });
        if (singleActive && endpoint is not null)
            bus.AddConfigureEndpointsCallback((_, name, configurator) =>
            {
                if (name == endpoint && configurator is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SingleActiveConsumer = true;
            });
    }

    /// <summary>The W3C id of the span that sent <paramref name="context"/>'s message, for events written because of it.</summary>
    public static string? TraceParent(this ConsumeContext context) => context.Headers.Get<string>("Diagnostic-Id");
}

/// <summary>
/// Runs a page in one scope (one session, one commit). When it fails for any reason but storage being unreachable,
/// the page's work was rolled back; each message is then run alone in a scope of its own, so one bad message fails
/// only itself: the others commit, and the page is failed (retried, finally parked) only for the one that failed —
/// running it again skips the ones already written.
/// </summary>
public sealed class PageRunner(IServiceScopeFactory scopes, ILogger<PageRunner> log)
{
    public async Task RunAsync<T>(Batch<T> page, Func<IServiceProvider, IReadOnlyList<ConsumeContext<T>>, Task> handle) where T : class
    {
        var messages = page.ToList();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await handle(scope.ServiceProvider, messages);
            return;
        }
        catch (Exception e) when (!Transience.IsTransient(e) && e is not OperationCanceledException)
        {
            StorageConflicts.RolledBack(e);
            if (messages.Count == 1) throw;
            log.LogInformation(e, "A page of {Count} {Type} messages failed; writing each alone", messages.Count, typeof(T).Name);
        }

        Exception? failed = null;
        foreach (var message in messages)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await handle(scope.ServiceProvider, [message]);
            }
            catch (Exception e) when (!Transience.IsTransient(e) && e is not OperationCanceledException)
            {
                StorageConflicts.RolledBack(e);
                failed ??= e;
            }
        }
        if (failed is not null) throw failed;
    }
}
