using Donations.Attribution.Ledger;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;
using Marten;
using MassTransit;

namespace Donations.Attribution.Clicks;

/// <summary>Keeps each click, and re-attributes the donations that named it before it arrived.</summary>
public sealed class ClickConsumer(IDocumentSession session, Attributor attributor) : IConsumer<ClickRecorded>
{
    public async Task Consume(ConsumeContext<ClickRecorded> context)
    {
        var click = context.Message;
        var ct = context.CancellationToken;
        // Later loads in this transaction (while deciding the waiting donations) must see the click arrived.
        session.UseIdentityMapFor<ClickTouchpoint>();
        var touchpoint = await session.LoadAsync<ClickTouchpoint>(click.ClickId, ct);
        if (touchpoint?.Click is not null) return; // a redelivery

        if (touchpoint is null)
        {
            touchpoint = new ClickTouchpoint { Id = click.ClickId };
            touchpoint.Arrived(click);
            session.Insert(touchpoint);
        }
        else
        {
            var waiting = touchpoint.WaitingDonations.ToList();
            touchpoint.Arrived(click);
            session.Update(touchpoint);
            foreach (var donationId in waiting)
            {
                var ledger = await attributor.LoadAsync(donationId, ct);
                if (ledger.Donation is null) continue;
                if (await attributor.ReviseAsync(ledger, Causes.LateClick, ct) is { } revision) attributor.Append(ledger, revision);
            }
        }
        await attributor.SaveAsync(ct);
    }
}
