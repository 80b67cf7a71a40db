using Donations.Attribution.Clicks;
using Donations.Attribution.Recurring;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;
using Marten;
using MassTransit;

namespace Donations.Attribution.Ledger;

/// <summary>Decides a new donation and writes it, with its first revision, to the ledger — once per donation.</summary>
public sealed class DonationConsumer(IDocumentSession session, Attributor attributor, ILogger<DonationConsumer> log) : IConsumer<DonationReceived>
{
    public async Task Consume(ConsumeContext<DonationReceived> context)
    {
        var donation = context.Message;
        var ct = context.CancellationToken;
        var ledger = await attributor.LoadAsync(donation.DonationId, ct);
        if (ledger.Donation is not null) return; // a redelivery

        await JoinSubscriptionAsync(donation, ct);
        await WaitForClickAsync(donation, ct);

        var received = ledger.Apply(donation); // refunds that came first are already in the ledger
        var revision = await attributor.ReviseAsync(received, Causes.Received, ct)
                       ?? throw new InvalidOperationException("A first decision is always written.");
        attributor.Append(ledger, donation, revision);
        await attributor.SaveAsync(ct);
        foreach (var refused in revision.RefusedRefunds ?? []) RefusedRefunds.Surface(log, revision, refused);
    }

    /// <summary>
    /// The earliest payment of a subscription decides; the others are listed so they can follow it. An earlier
    /// payment arriving later becomes the first, and deciding it re-attributes the former first with the rest.
    /// </summary>
    private async Task JoinSubscriptionAsync(DonationReceived donation, CancellationToken ct)
    {
        if (donation.SubscriptionId is not { Length: > 0 } subscriptionId) return;
        // Deciding this donation reads the subscription again; it must see the change made here.
        session.UseIdentityMapFor<Subscription>();
        var id = Subscription.DocumentId(donation.NgoId, donation.Provider, subscriptionId);
        if (await session.LoadAsync<Subscription>(id, ct) is not { } subscription)
        {
            session.Insert(new Subscription { Id = id, FirstDonationId = donation.DonationId, FirstOccurredAt = donation.OccurredAt });
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
        session.Update(subscription);
    }

    /// <summary>A click id whose click has not arrived yet: leave a note where the click will land.</summary>
    private async Task WaitForClickAsync(DonationReceived donation, CancellationToken ct)
    {
        if (!Guid.TryParse(donation.ClickId, out var clickId)) return;
        var touchpoint = await session.LoadAsync<ClickTouchpoint>(clickId, ct);
        if (touchpoint?.Click is not null) return;
        if (touchpoint is null)
        {
            session.Insert(new ClickTouchpoint { Id = clickId, WaitingDonations = [donation.DonationId] });
            return;
        }
        touchpoint.WaitingDonations.Add(donation.DonationId);
        session.Update(touchpoint);
    }
}
