using Donations.Attribution.Ledger;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;
using MassTransit;

namespace Donations.Attribution.Clicks;

/// <summary>Keeps each click, and re-attributes the donations that named it before it arrived.</summary>
public sealed class ClickConsumer(LedgerWriter writer) : IConsumer<ClickRecorded>
{
    public Task Consume(ConsumeContext<ClickRecorded> context) => writer.WriteAsync(context, new Reads(Touchpoints: [context.Message.ClickId]), DecideAsync);

    public static async Task DecideAsync(Attributor attributor, ConsumeContext<ClickRecorded> message, CancellationToken ct)
    {
        var click = message.Message;
        var touchpoint = await attributor.TouchpointAsync(click.ClickId, ct);
        if (touchpoint?.Click is not null) return; // a redelivery

        if (touchpoint is null)
        {
            touchpoint = new ClickTouchpoint { Id = click.ClickId };
            touchpoint.Arrived(click);
            attributor.Insert(touchpoint.Id, touchpoint);
            return;
        }
        var waiting = touchpoint.WaitingDonations.ToList();
        touchpoint.Arrived(click);
        attributor.Update(touchpoint.Id, touchpoint);
        foreach (var donationId in waiting)
        {
            var ledger = await attributor.LoadAsync(donationId, ct);
            if (ledger.Donation is null) continue;
            if (await attributor.ReviseAsync(ledger, Causes.LateClick, ct) is { } revision) attributor.Append(ledger, revision);
        }
    }
}
