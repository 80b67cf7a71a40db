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

    /// <summary>
    /// How long a page waits for more messages after its first: part of every donation's lag, but at 20 ms pages were 1–3
    /// messages at 100 webhooks/s and their fixed cost doubled Reporting's CPU (docs/benchmarks.md, steady rerun).
    /// </summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(200);

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
        where TConsumer : class, IConsumer =>
        bus.AddConsumer<TConsumer>(consumer => consumer.Options<BatchOptions>(page => page
                .SetMessageLimit(MessageLimit)
                .SetTimeLimit(TimeLimit)
                .SetConcurrencyLimit(1)))
            .Endpoint(e => LetPagesIn(bus, e, endpoint, singleActive));

    /// <summary>
    /// Registers a consumer that hands each message to an in-process page writer and returns once its page committed:
    /// the endpoint lets <see cref="EndpointLimit"/> messages wait, so a page takes whatever arrived while the one before
    /// was written (large under load, one message when quiet). Same endpoint options as <see cref="AddPageConsumer{TConsumer}"/>.
    /// </summary>
    public static void AddQueuedConsumer<TConsumer>(this IBusRegistrationConfigurator bus, string endpoint, bool singleActive = false)
        where TConsumer : class, IConsumer =>
        bus.AddConsumer<TConsumer>().Endpoint(e => LetPagesIn(bus, e, endpoint, singleActive));

    private static void LetPagesIn(IBusRegistrationConfigurator bus, IEndpointRegistrationConfigurator e, string? endpoint, bool singleActive)
    {
        if (endpoint is not null) e.Name = endpoint;
        e.PrefetchCount = EndpointLimit;
        e.ConcurrentMessageLimit = EndpointLimit;
        if (singleActive && endpoint is not null)
            bus.AddConfigureEndpointsCallback((_, name, configurator) =>
            {
                if (name == endpoint && configurator is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SingleActiveConsumer = true;
            });
    }
}

/// <summary>
/// Runs a page in one scope (one session, one commit). When it fails for any reason but storage being unreachable,
/// the page's work was rolled back; each item is then run alone in a scope of its own, so one bad item fails only
/// itself: the others commit. Running an item again skips what was already written.
/// </summary>
public sealed class PageRunner(IServiceScopeFactory scopes, ILogger<PageRunner> log)
{
    /// <summary>A page of messages; the page is failed (retried, finally parked) only for a message that failed alone.</summary>
    public async Task RunAsync<T>(Batch<T> page, Func<IServiceProvider, IReadOnlyList<ConsumeContext<T>>, Task> handle) where T : class
    {
        if ((await RunAsync(page.ToList(), handle)).FirstOrDefault(e => e is not null) is { } failed) throw failed;
    }

    /// <summary>
    /// Each item's outcome, in order: null when written, else what failed it when it ran alone. Storage being
    /// unreachable fails the whole page (thrown): nothing was written and running items alone would not help.
    /// </summary>
    public async Task<Exception?[]> RunAsync<TItem>(IReadOnlyList<TItem> items, Func<IServiceProvider, IReadOnlyList<TItem>, Task> handle)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await handle(scope.ServiceProvider, items);
            return new Exception?[items.Count];
        }
        catch (Exception e) when (!Transience.IsTransient(e) && e is not OperationCanceledException)
        {
            StorageConflicts.RolledBack(e);
            if (items.Count == 1) return [e];
            log.LogInformation(e, "A page of {Count} {Type} items failed; writing each alone", items.Count, typeof(TItem).Name);
        }

        var outcomes = new Exception?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await handle(scope.ServiceProvider, [items[i]]);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (!Transience.IsTransient(e)) StorageConflicts.RolledBack(e);
                outcomes[i] = e;
            }
        }
        return outcomes;
    }
}
