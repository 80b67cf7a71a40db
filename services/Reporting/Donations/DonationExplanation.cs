using Donations.Contracts.Attribution;
using Donations.Reporting.Catalog;
using Marten;
using Microsoft.AspNetCore.Mvc;

namespace Donations.Reporting.Donations;

/// <summary>What the donation search narrows by, beside the provider's transaction id.</summary>
public sealed record DonationSearch(
    [FromQuery(Name = "donor")] string? Donor,
    [FromQuery(Name = "post")] string? Post,
    [FromQuery(Name = "campaign")] string? Campaign,
    [FromQuery(Name = "fundraiser")] string? Fundraiser,
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "reason")] string? Reason,
    [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To,
    [FromQuery(Name = "before")] string? Before,
    [FromQuery(Name = "format")] string? Format,
    [FromQuery(Name = "timeZone")] string? TimeZone);

/// <summary>One revision of the donation's decision and why it was made (received, late click, refund, settings changed, first payment re-attributed).</summary>
public sealed record RevisionLine(
    int Revision, string Cause, DateTimeOffset DecidedAt, string Status, string Rule, string? Reason, string Model, int LookbackDays, int SettingsVersion,
    long AmountMinor, long RefundedMinor, long AttributedMinor, IReadOnlyList<Credit> Credits)
{
    public static RevisionLine Of(DonationAttributed d) => new(d.Revision, d.Cause, d.DecidedAt, d.Status, d.Rule, d.Reason, d.Model, d.LookbackDays,
        d.SettingsVersion, d.AmountMinor, d.RefundedMinor, d.AttributedMinor(), d.Credits);
}

/// <summary>
/// A click that took part in the decision: the one the payment named (<see cref="Named"/>, even a bot's that earned nothing) and
/// every click any revision credited, with when it was made, on which post, whether a bot made it, and what it is credited with now.
/// </summary>
public sealed record Touchpoint(Guid ClickId, string? PostId, string? CampaignId, DateTimeOffset? ClickedAt, bool? IsBot, bool Named, long CreditedMinor)
{
    public static async Task<IReadOnlyList<Touchpoint>> OfAsync(IQuerySession session, DonationAttributed now, IReadOnlyList<RevisionLine> history, CancellationToken ct)
    {
        Guid? named = Guid.TryParse(now.ClickId, out var n) ? n : null;
        var ids = history.SelectMany(h => h.Credits).Concat(now.Credits).Select(c => c.ClickId).OfType<Guid>()
            .Concat(named is { } x ? [x] : []).Distinct().ToArray();
        if (ids.Length == 0) return [];
        var clicks = (await session.LoadManyAsync<ClickFact>(ct, ids)).Where(c => c.NgoId == now.NgoId).ToDictionary(c => c.Id);
        return ids.Select(id =>
        {
            var click = clicks.GetValueOrDefault(id);
            return new Touchpoint(id, click?.PostId, click?.CampaignId, click?.ClickedAt, click?.IsBot, id == named,
                now.Credits.Where(c => c.ClickId == id).Sum(c => c.AmountMinor));
        }).OrderBy(t => t.ClickedAt ?? DateTimeOffset.MaxValue).ToList();
    }
}
