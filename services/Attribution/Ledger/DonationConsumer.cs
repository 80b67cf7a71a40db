using Donations.Attribution.Clicks;
using Donations.Attribution.Decisions;
using Donations.Attribution.Models;
using Donations.Contracts.Ingestion;
using Marten;
using Marten.Exceptions;
using MassTransit;

namespace Donations.Attribution.Ledger;

/// <summary>Decides a new donation and writes the decision to the ledger, once per donation.</summary>
public sealed class DonationConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<DonationReceived>
{
    public async Task Consume(ConsumeContext<DonationReceived> context)
    {
        var donation = context.Message;
        var ct = context.CancellationToken;
        if (await session.Events.FetchStreamStateAsync(donation.DonationId, ct) is not null) return; // already decided

        var settings = AttributionSettings.Default;
        ClickRecorded? click = null;
        if (Guid.TryParse(donation.ClickId, out var clickId))
        {
            var touchpoint = await session.LoadAsync<ClickTouchpoint>(clickId, ct);
            click = touchpoint?.Click;
            if (click is null)
            {
                // The click may still be on its way: leave a note where it will land.
                if (touchpoint is null) session.Insert(new ClickTouchpoint { Id = clickId, WaitingDonations = [donation.DonationId] });
                else
                {
                    touchpoint.WaitingDonations.Add(donation.DonationId);
                    session.Update(touchpoint);
                }
            }
        }

        var decision = Rulebook.Decide(donation, click, settings);
        session.Events.StartStream(donation.DonationId, donation, LedgerEvents.Attributed(donation, 1, decision, settings, clock.GetUtcNow()));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ExistingStreamIdCollisionException)
        {
            // A concurrent delivery of the same donation decided it first.
        }
    }
}
