using Donations.Contracts.Attribution;
using Donations.ServiceDefaults.Storage;

namespace Donations.Reporting.OutgoingWebhooks;

/// <summary>
/// Each revision of a donation's ledger is a <c>donation.refunded</c> event when a refund caused it and a
/// <c>donation.attributed</c> event otherwise (its data says attributed or unattributed, and why). One event per
/// (donation, revision): a revision delivered twice, or in any order, gives the same event id, and a delivery already
/// written for it is left as it is.
/// </summary>
public static class DonationEvents
{
    public static WebhookEvent Of(DonationAttributed d)
    {
        var type = d.Cause == Causes.Refund ? WebhookEventTypes.DonationRefunded : WebhookEventTypes.DonationAttributed;
        return new WebhookEvent(d.NgoId, type, StableId.From(type, d.DonationId.ToString(), d.Revision.ToString()), d.DecidedAt, Data(d));
    }

    private static object Data(DonationAttributed d) => new
    {
        ngoId = d.NgoId, donationId = d.DonationId, provider = d.Provider, providerTxId = d.ProviderTxId, amountMinor = d.AmountMinor,
        refundedMinor = d.RefundedMinor, currency = d.Currency, occurredAt = d.OccurredAt, revision = d.Revision, cause = d.Cause,
        status = d.Status, rule = d.Rule, reason = d.Reason, model = d.Model, lookbackDays = d.LookbackDays,
        credits = d.Credits.Select(c => new { postId = c.PostId, campaignId = c.CampaignId, fundraiserId = c.FundraiserId, clickId = c.ClickId, amountMinor = c.AmountMinor }),
    };
}
