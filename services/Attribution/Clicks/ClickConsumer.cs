using Donations.Attribution.Ledger;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;
using MassTransit;

namespace Donations.Attribution.Clicks;

/// <summary>
/// Keeps each click, and re-attributes the donations decided before it arrived that it may have a share of: those
/// that named it, and those decided from its visitor's other clicks that it came before.
/// </summary>
public sealed class ClickConsumer(LedgerWriter writer) : IConsumer<ClickRecorded>
{
    public Task Consume(ConsumeContext<ClickRecorded> context)
    {
        var click = context.Message;
        return writer.WriteAsync(context, new Reads(
            Touchpoints: [click.ClickId],
            Visitors: click.IsBot ? null : [VisitorDonations.DocumentId(click.NgoId, click.VisitorId)]), DecideAsync);
    }

    public static async Task DecideAsync(Attributor attributor, ConsumeContext<ClickRecorded> message, CancellationToken ct)
    {
        var click = message.Message;
        var touchpoint = await attributor.TouchpointAsync(click.ClickId, ct);
        if (touchpoint?.Click is not null) return; // a redelivery

        var late = touchpoint?.WaitingDonations.ToList() ?? [];
        if (!click.IsBot && await attributor.VisitorDonationsAsync(VisitorDonations.DocumentId(click.NgoId, click.VisitorId), ct) is { } decided)
            late.AddRange(decided.After(click).Except(late));

        touchpoint ??= new ClickTouchpoint { Id = click.ClickId };
        touchpoint.Arrived(click);
        attributor.Update(touchpoint.Id, touchpoint);
        foreach (var donationId in late)
        {
            var ledger = await attributor.LoadAsync(donationId, ct);
            if (ledger.Donation is null) continue;
            if (await attributor.ReviseAsync(ledger, Causes.LateClick, ct) is { } revision) attributor.Append(ledger, revision);
        }
    }
}
