using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Messaging;
using Marten;
using MassTransit;

namespace Donations.Reporting.Reconciliation;

/// <summary>
/// Money Ingestion accepted, as Ingestion announced it: one document per payment and one per refund, keyed by the
/// fact, so a redelivery stores the same document again. Reconciliation compares these with the reports.
/// </summary>
public sealed record AcceptedMoney(
    string Id, string NgoId, Guid DonationId, string Provider, string ProviderTxId, string Currency, long AmountMinor, long RefundedMinor,
    DateTimeOffset AcceptedAt);

/// <summary>A page of payments and one of refunds, each stored in one transaction.</summary>
public sealed class AcceptedMoneyConsumer(PageRunner pages) : IConsumer<Batch<DonationReceived>>, IConsumer<Batch<DonationRefunded>>
{
    public Task Consume(ConsumeContext<Batch<DonationReceived>> context) => Store(context.Message, m =>
        new AcceptedMoney($"payment/{m.DonationId}", m.NgoId, m.DonationId, m.Provider, m.ProviderTxId, m.Currency, m.AmountMinor, 0, m.ReceivedAt));

    public Task Consume(ConsumeContext<Batch<DonationRefunded>> context) => Store(context.Message, m =>
        new AcceptedMoney($"refund/{m.DonationId}/{m.RefundTxId}", m.NgoId, m.DonationId, m.Provider, m.PaymentTxId, m.Currency, 0, m.AmountMinor, m.ReceivedAt));

    private Task Store<T>(Batch<T> page, Func<T, AcceptedMoney> accepted) where T : class => pages.RunAsync(page, async (services, messages) =>
    {
        var session = services.GetRequiredService<IDocumentSession>();
        session.Store(messages.Select(m => accepted(m.Message)).DistinctBy(a => a.Id).ToArray());
        await session.SaveChangesAsync(messages[0].CancellationToken);
    });
}
