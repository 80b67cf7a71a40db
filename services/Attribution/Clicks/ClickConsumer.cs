using Donations.Attribution.Decisions;
using Donations.Attribution.Ledger;
using Donations.Attribution.Models;
using Donations.Contracts.Ingestion;
using Marten;
using MassTransit;

namespace Donations.Attribution.Clicks;

/// <summary>Keeps each click, and re-attributes the donations that named it before it arrived.</summary>
public sealed class ClickConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<ClickRecorded>
{
    public async Task Consume(ConsumeContext<ClickRecorded> context)
    {
        var click = context.Message;
        var ct = context.CancellationToken;
        var touchpoint = await session.LoadAsync<ClickTouchpoint>(click.ClickId, ct);
        if (touchpoint?.Click is not null) return; // a redelivery

        if (touchpoint is null)
        {
            session.Insert(new ClickTouchpoint { Id = click.ClickId, Click = click });
        }
        else
        {
            foreach (var donationId in touchpoint.WaitingDonations)
                await ReattributeAsync(donationId, click, ct);
            touchpoint.Click = click;
            touchpoint.WaitingDonations.Clear();
            session.Update(touchpoint);
        }
        await session.SaveChangesAsync(ct);
    }

    private async Task ReattributeAsync(Guid donationId, ClickRecorded click, CancellationToken ct)
    {
        if (DonationLedger.From(await session.Events.FetchStreamAsync(donationId, token: ct)) is not { } ledger) return;
        var settings = AttributionSettings.Default;
        var decision = Rulebook.Decide(ledger.Donation, click, settings);
        if (decision.IsRecordedIn(ledger.Current)) return;
        session.Events.Append(donationId, ledger.Version + 1,
            LedgerEvents.Attributed(ledger.Donation, ledger.NextRevision, decision, settings, clock.GetUtcNow()));
    }
}
