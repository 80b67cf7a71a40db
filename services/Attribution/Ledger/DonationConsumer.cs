using Donations.Attribution.Clicks;
using Donations.Attribution.Recurring;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;
using Marten;
using MassTransit;

namespace Donations.Attribution.Ledger;

/// <summary>Decides a new donation and writes it, with its first revision, to the ledger — once per donation.</summary>
public sealed class DonationConsumer(LedgerWriter writer, ILogger<DonationConsumer> log) : IConsumer<DonationReceived>
{
    public Task Consume(ConsumeContext<DonationReceived> context)
    {
        var d = context.Message;
        return writer.WriteAsync(context, new Reads(
            Ledgers: [d.DonationId],
            Touchpoints: Guid.TryParse(d.ClickId, out var click) ? [click] : null,
            DonorVisitors: d.DonorId is { Length: > 0 } donor ? [DonorVisitor.DocumentId(d.NgoId, donor)] : null,
            Subscriptions: d.SubscriptionId is { Length: > 0 } subscription ? [Subscription.DocumentId(d.NgoId, d.Provider, subscription)] : null), DecideAsync);
    }

    private async Task DecideAsync(Attributor attributor, ConsumeContext<DonationReceived> message, CancellationToken ct)
    {
        var donation = message.Message;
        var ledger = await attributor.LoadAsync(donation.DonationId, ct);
        if (ledger.Donation is not null) return; // a redelivery

        await JoinSubscriptionAsync(attributor, donation, ct);
        await WaitForClickAsync(attributor, donation, ct);

        var received = ledger.Apply(donation); // refunds that came first are already in the ledger
        var revision = await attributor.ReviseAsync(received, Causes.Received, ct)
                       ?? throw new InvalidOperationException("A first decision is always written.");
        attributor.Append(ledger, donation, revision);
        foreach (var refused in revision.RefusedRefunds ?? []) attributor.AfterCommit(() => RefusedRefunds.Surface(log, revision, refused));
    }

    /// <summary>
    /// The earliest payment of a subscription decides; the others are listed so they can follow it. An earlier
    /// payment arriving later becomes the first, and deciding it re-attributes the former first with the rest.
    /// </summary>
    private static async Task JoinSubscriptionAsync(Attributor attributor, DonationReceived donation, CancellationToken ct)
    {
        if (donation.SubscriptionId is not { Length: > 0 } subscriptionId) return;
        var id = Subscription.DocumentId(donation.NgoId, donation.Provider, subscriptionId);
        if (await attributor.SubscriptionAsync(id, ct) is not { } subscription)
        {
            attributor.Insert(id, new Subscription { Id = id, FirstDonationId = donation.DonationId, FirstOccurredAt = donation.OccurredAt });
            return;
        }
        if (subscription.IsEarlier(donation.OccurredAt, donation.DonationId))
        {
            subscription.Charges.Add(subscription.FirstDonationId);
            subscription.FirstDonationId = donation.DonationId;
            subscription.FirstOccurredAt = donation.OccurredAt;
        }
        else
        {
            subscription.Charges.Add(donation.DonationId);
        }
        attributor.Update(id, subscription);
    }

    /// <summary>A click id whose click has not arrived yet: leave a note where the click will land.</summary>
    private static async Task WaitForClickAsync(Attributor attributor, DonationReceived donation, CancellationToken ct)
    {
        if (!Guid.TryParse(donation.ClickId, out var clickId)) return;
        var touchpoint = await attributor.TouchpointAsync(clickId, ct) ?? new ClickTouchpoint { Id = clickId };
        if (touchpoint.Click is not null) return;
        touchpoint.WaitingDonations.Add(donation.DonationId);
        attributor.Update(clickId, touchpoint);
    }
}
