using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;
using Marten;
using MassTransit;

namespace Donations.Reporting.Recurring;

/// <summary>
/// Keeps each subscription's aggregate as its charges' revisions, its provider's state changes and its failed charges arrive.
/// A step of its own beside the ledger's: the view is updated with optimistic concurrency, so two charges of one subscription
/// handled at once become a retry; a first insert that lost to another is checked for; every write is keyed, so a redelivery changes nothing.
/// </summary>
public sealed class SubscriptionConsumer(IDocumentSession session) :
    IConsumer<DonationAttributed>, IConsumer<SubscriptionStatusChanged>, IConsumer<PaymentFailed>
{
    public Task Consume(ConsumeContext<DonationAttributed> context)
    {
        var d = context.Message;
        return d.SubscriptionId is { Length: > 0 } subscription
            ? ChangeAsync(d.NgoId, d.Provider, subscription, view => view.Apply(d), context.CancellationToken)
            : Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<SubscriptionStatusChanged> context)
    {
        var m = context.Message;
        var key = context.MessageId?.ToString() ?? $"{m.Status}/{m.ReceivedAt:O}";
        return ChangeAsync(m.NgoId, m.Provider, m.SubscriptionId, view =>
        {
            view.Currency ??= m.Currency;
            view.DonorId ??= m.DonorId;
            var scheduled = view.Schedule(m.Interval, m.Period, m.ReceivedAt);
            return view.Apply(new SubscriptionSignal(key, SignalKinds.Status, m.Status, m.ReceivedAt)) | scheduled;
        }, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<PaymentFailed> context)
    {
        var m = context.Message;
        return m.SubscriptionId is { Length: > 0 } subscription
            ? ChangeAsync(m.NgoId, m.Provider, subscription, view =>
            {
                view.Currency ??= m.Currency;
                return view.Apply(new SubscriptionSignal($"failed/{m.ProviderTxId}", SignalKinds.Failed, "failed", m.OccurredAt ?? m.ReceivedAt, m.Reason));
            }, context.CancellationToken)
            : Task.CompletedTask;
    }

    private async Task ChangeAsync(string ngo, string provider, string subscriptionId, Func<SubscriptionView, bool> change, CancellationToken ct)
    {
        var id = SubscriptionView.DocumentId(ngo, provider, subscriptionId);
        var view = await session.LoadAsync<SubscriptionView>(id, ct);
        var isNew = view is null;
        view ??= new SubscriptionView { Id = id, NgoId = ngo, Provider = provider, SubscriptionId = subscriptionId };
        if (!change(view)) return;
        if (isNew) session.Insert(view);
        else session.Update(view);
        await session.SaveChangesAsync(ct);
        // Marten's insert does nothing when another writer inserted the view first: the change then goes onto theirs
        // (keyed, so a change already there is not applied twice), at the version read.
        if (isNew && await session.LoadAsync<SubscriptionView>(id, ct) is { } stored && change(stored))
        {
            session.Update(stored);
            await session.SaveChangesAsync(ct);
        }
    }
}

public static class SignalKinds
{
    public const string Status = "status";
    public const string Failed = "failed";
}

public static class RecurringSetup
{
    /// <summary>The subscriptions' aggregate, in Reporting's store.</summary>
    public static void AddRecurring(this IHostApplicationBuilder builder) =>
        builder.Services.ConfigureMarten(options => options.Schema.For<SubscriptionView>().UseOptimisticConcurrency(true).Index(s => s.NgoId));
}
