using Donations.Contracts.Attribution;
using Donations.ServiceDefaults.Messaging;
using Donations.ServiceDefaults.Storage;
using Marten;
using MassTransit;

namespace Donations.Reporting.OutgoingWebhooks;

/// <summary>
/// Each revision of a donation's ledger is a <c>donation.refunded</c> event when a refund caused it and a
/// <c>donation.attributed</c> event otherwise (its data says attributed or unattributed, and why). One event per
/// (donation, revision): a revision delivered twice, or in any order, gives the same event once. A page of revisions
/// is written in one transaction.
/// </summary>
public sealed class DonationEventsConsumer(PageRunner pages, WebhookOutbox outbox, TimeProvider clock) : IConsumer<Batch<DonationAttributed>>
{
    public Task Consume(ConsumeContext<Batch<DonationAttributed>> context) => pages.RunAsync(context.Message, async (services, messages) =>
    {
        var ct = context.CancellationToken;
        var session = services.GetRequiredService<IDocumentSession>();
        var written = 0;
        await session.HandleOnceAsync<DonationEventsConsumer, DonationAttributed>(messages, async d =>
        {
            var type = d.Cause == Causes.Refund ? WebhookEventTypes.DonationRefunded : WebhookEventTypes.DonationAttributed;
            written += await outbox.EnqueueAsync(session, d.NgoId, type, StableId.From(type, d.DonationId.ToString(), d.Revision.ToString()), d.DecidedAt,
                Data(d), clock.GetUtcNow(), ct);
        }, ct);
        if (written > 0) outbox.Written();
    });

    public static object Data(DonationAttributed d) => new
    {
        ngoId = d.NgoId, donationId = d.DonationId, provider = d.Provider, providerTxId = d.ProviderTxId, amountMinor = d.AmountMinor,
        refundedMinor = d.RefundedMinor, currency = d.Currency, occurredAt = d.OccurredAt, revision = d.Revision, cause = d.Cause,
        status = d.Status, rule = d.Rule, reason = d.Reason, model = d.Model, lookbackDays = d.LookbackDays,
        credits = d.Credits.Select(c => new { postId = c.PostId, campaignId = c.CampaignId, fundraiserId = c.FundraiserId, clickId = c.ClickId, amountMinor = c.AmountMinor }),
    };
}
