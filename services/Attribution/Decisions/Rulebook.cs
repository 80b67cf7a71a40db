using Donations.Attribution.Models;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;

namespace Donations.Attribution.Decisions;

/// <summary>The rule book of design.md §5, in order, as a pure function of what is known when it runs.</summary>
public static class Rulebook
{
    /// <summary>
    /// How far a named click may lie after the payment and still count: a provider's clock and ours may differ a
    /// little, and the click id proves the path. Beyond it the donation is unattributed ("click after payment").
    /// </summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(10);

    public static Decision Decide(DonationReceived donation, Evidence evidence, AttributionSettings settings)
    {
        // Rule 1: a later charge of a subscription inherits the first payment's attribution.
        if (evidence.FirstPayment is { } first)
        {
            return first.Status == AttributionStatus.Attributed
                ? Credited(Rules.Recurring, donation.AmountMinor, first.Credits.Select(c => c with { AmountMinor = 0 }).ToList())
                : Decision.Unattributed(first.Reason ?? Reasons.NoClickId) with { Rule = Rules.Recurring };
        }

        var from = donation.OccurredAt.AddDays(-settings.LookbackDays);
        var why = Reasons.NoClickId;

        // Rule 2: the named click and the same visitor's other human clicks inside the window.
        if (!string.IsNullOrWhiteSpace(donation.ClickId))
        {
            why = evidence.NamedClick switch
            {
                null => Reasons.UnknownClickId,
                { } c when c.NgoId != donation.NgoId => Reasons.UnknownClickId,
                { IsBot: true } => Reasons.BotClick,
                { } c when c.ClickedAt < from => Reasons.OutsideWindow,
                { } c when c.ClickedAt > donation.OccurredAt + ClockSkewAllowance => Reasons.ClickAfterPayment,
                _ => null!,
            };
            if (why is null)
            {
                // The visitor's other touchpoints are only clicks made before the payment, inside the window.
                var others = Human(evidence.VisitorClicks, donation.NgoId, from, donation.OccurredAt);
                return Split(Rules.ClickId, donation, settings, [evidence.NamedClick!, .. others]);
            }
        }

        // Rule 3: a donor an earlier attributed donation tied to a visitor: that visitor's clicks in the window.
        var donorClicks = Human(evidence.DonorVisitorClicks, donation.NgoId, from, donation.OccurredAt).ToList();
        if (donorClicks.Count > 0) return Split(Rules.DonorVisitor, donation, settings, donorClicks);

        // Rule 4: a donation that names a fundraiser is credited to it, with no post.
        if (donation.FundraiserId is { Length: > 0 } fundraiser)
            return Credited(Rules.Fundraiser, donation.AmountMinor, [new Credit(null, evidence.FundraiserCampaign, fundraiser, null, 1m, 0)]);

        // Rule 5: unattributed, with the reason.
        return Decision.Unattributed(why);
    }

    private static IEnumerable<ClickRecorded> Human(IEnumerable<ClickRecorded> clicks, string ngo, DateTimeOffset from, DateTimeOffset until) =>
        clicks.Where(c => c.NgoId == ngo && !c.IsBot && c.ClickedAt >= from && c.ClickedAt <= until);

    private static Decision Split(string rule, DonationReceived donation, AttributionSettings settings, IReadOnlyList<ClickRecorded> clicks)
    {
        var touchpoints = clicks.DistinctBy(c => c.ClickId).OrderBy(c => c.ClickedAt).ThenBy(c => c.ClickId).ToList();
        var shares = AttributionModels.For(settings.Model)(touchpoints.Select(c => c.ClickedAt).ToList(), donation.OccurredAt);
        var credits = touchpoints
            .Select((c, i) => new Credit(c.PostId, c.CampaignId, c.FundraiserId ?? donation.FundraiserId, c.ClickId, shares[i], 0))
            .Where(c => c.Share > 0)
            .ToList();
        return Credited(rule, donation.AmountMinor, credits);
    }

    /// <summary>Fills in the amounts: the donation split by the credits' shares, largest remainder, exact.</summary>
    public static Decision Credited(string rule, long amountMinor, IReadOnlyList<Credit> credits) =>
        new(AttributionStatus.Attributed, rule, null, WithAmounts(amountMinor, credits));

    public static IReadOnlyList<Credit> WithAmounts(long amountMinor, IReadOnlyList<Credit> credits)
    {
        if (credits.Count == 0) return credits;
        var amounts = Donations.Contracts.Money.Split.LargestRemainder(amountMinor, credits.Select(c => c.Share).ToList());
        return credits.Select((c, i) => c with { AmountMinor = amounts[i] }).ToList();
    }
}
