using Donations.Contracts.Ingestion;
using Donations.Contracts.Attribution;
using Donations.ServiceDefaults.Telemetry;
using MassTransit;

namespace Donations.Attribution.Ledger;

/// <summary>
/// Reverses credit pro rata for each refund, once per refund. A refund that arrives before its
/// payment waits in the payment's stream and is checked (currency, amount) when the payment is decided, as Ingestion
/// checks a later one.
/// </summary>
public sealed class RefundConsumer(LedgerWriter writer, ILogger<RefundConsumer> log) : IConsumer<DonationRefunded>
{
    public Task Consume(ConsumeContext<DonationRefunded> context) => writer.WriteAsync(context, new Reads(Ledgers: [context.Message.DonationId]), DecideAsync);

    private async Task DecideAsync(Attributor attributor, ConsumeContext<DonationRefunded> message, CancellationToken ct)
    {
        var refund = message.Message;
        var ledger = await attributor.LoadAsync(refund.DonationId, ct);
        if (ledger.HasRefund(refund.RefundTxId)) return; // a redelivery

        var refunded = ledger.Apply(refund);
        if (refunded.Current is null) attributor.Append(ledger, refund);
        else attributor.Append(ledger, refund, attributor.Refunded(refunded));
        if (refunded.Current is { } current && refunded.RefusedRefunds.FirstOrDefault(r => r.RefundTxId == refund.RefundTxId) is { } refused)
            attributor.AfterCommit(() => RefusedRefunds.Surface(log, current, refused));
    }
}

/// <summary>A refund the ledger will not count is a person's question: a warning that names it, and a metric to alert on.</summary>
public static class RefusedRefunds
{
    public static void Surface(ILogger log, DonationAttributed payment, RefusedRefund refused)
    {
        log.LogWarning("Refund {RefundTxId} of {Provider} payment {TxId} of {Ngo} is not counted: {Reason}",
            refused.RefundTxId, payment.Provider, payment.ProviderTxId, payment.NgoId, refused.Reason);
        DonationsTelemetry.RefusedRefunds.Add(1, new KeyValuePair<string, object?>("provider", payment.Provider));
    }
}
