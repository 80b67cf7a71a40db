using Donations.Contracts.Ingestion;
using MassTransit;

namespace Donations.Attribution.Ledger;

/// <summary>
/// Reverses credit pro rata for each refund, once per refund. A refund that arrives before its payment waits in
/// the payment's stream and is taken into account when the payment is decided.
/// </summary>
public sealed class RefundConsumer(Attributor attributor) : IConsumer<DonationRefunded>
{
    public async Task Consume(ConsumeContext<DonationRefunded> context)
    {
        var refund = context.Message;
        var ledger = await attributor.LoadAsync(refund.DonationId, context.CancellationToken);
        if (ledger.HasRefund(refund.RefundTxId)) return; // a redelivery

        var refunded = ledger.Apply(refund);
        if (refunded.Current is null) attributor.Append(ledger, refund);
        else attributor.Append(ledger, refund, attributor.Refunded(refunded));
        await attributor.SaveAsync(context.CancellationToken);
    }
}
