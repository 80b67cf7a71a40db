using Donations.Attribution.Models;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;

namespace Donations.Attribution.Decisions;

/// <summary>The rule book of design.md §5, as a pure function of what is known when it runs.</summary>
public static class Rulebook
{
    /// <param name="donation">The donation as Ingestion received it.</param>
    /// <param name="click">The click named by the donation's click id, if that click has arrived.</param>
    /// <param name="settings">The NGO's model and lookback window.</param>
    public static Decision Decide(DonationReceived donation, ClickRecorded? click, AttributionSettings settings)
    {
        if (string.IsNullOrWhiteSpace(donation.ClickId)) return ByFundraiserOr(donation, Reasons.NoClickId);
        if (click is null || click.NgoId != donation.NgoId) return ByFundraiserOr(donation, Reasons.UnknownClickId);
        if (click.IsBot) return ByFundraiserOr(donation, Reasons.BotClick);
        if (click.ClickedAt < donation.OccurredAt.AddDays(-settings.LookbackDays)) return ByFundraiserOr(donation, Reasons.OutsideWindow);

        var credit = new Credit(click.PostId, click.CampaignId, click.FundraiserId ?? donation.FundraiserId, click.ClickId, donation.AmountMinor);
        return new Decision(AttributionStatus.Attributed, Rules.ClickId, null, [credit]);
    }

    /// <summary>Rule 4: with no usable click, a donation that names a fundraiser is credited to it, with no post.</summary>
    private static Decision ByFundraiserOr(DonationReceived donation, string reason) =>
        donation.FundraiserId is { Length: > 0 } fundraiser
            ? new Decision(AttributionStatus.Attributed, Rules.Fundraiser, null, [new Credit(null, null, fundraiser, null, donation.AmountMinor)])
            : Decision.Unattributed(reason);
}
