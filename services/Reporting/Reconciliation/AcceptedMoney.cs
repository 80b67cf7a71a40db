using Donations.Contracts.Ingestion;
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

public sealed class AcceptedMoneyConsumer(IDocumentSession session) : IConsumer<DonationReceived>, IConsumer<DonationRefunded>
{
    public Task Consume(ConsumeContext<DonationReceived> context)
    {
        var m = context.Message;
        return Store(context, new AcceptedMoney($"payment/{m.DonationId}", m.NgoId, m.DonationId, m.Provider, m.ProviderTxId, m.Currency, m.AmountMinor, 0, m.ReceivedAt));
    }

    public Task Consume(ConsumeContext<DonationRefunded> context)
    {
        var m = context.Message;
        return Store(context, new AcceptedMoney($"refund/{m.DonationId}/{m.RefundTxId}", m.NgoId, m.DonationId, m.Provider, m.PaymentTxId, m.Currency, 0, m.AmountMinor, m.ReceivedAt));
    }

    private async Task Store(ConsumeContext context, AcceptedMoney accepted)
    {
        session.Store(accepted);
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
