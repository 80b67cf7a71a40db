using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;

namespace Donations.Attribution.Decisions;

/// <summary>
/// What is known when a donation is decided, gathered from Attribution's store.
/// </summary>
/// <param name="NamedClick">The click the donation's click id names, once it has arrived.</param>
/// <param name="VisitorClicks">That click's visitor's clicks (rule 2).</param>
/// <param name="DonorVisitorClicks">Clicks of the visitor an earlier attributed donation tied this donor to (rule 3).</param>
/// <param name="FirstPayment">For a later charge of a subscription, the decision about its first payment (rule 1).</param>
/// <param name="FundraiserCampaign">The campaign of the fundraiser the donation names, when known (rule 4).</param>
public sealed record Evidence(
    ClickRecorded? NamedClick,
    IReadOnlyList<ClickRecorded> VisitorClicks,
    IReadOnlyList<ClickRecorded> DonorVisitorClicks,
    DonationAttributed? FirstPayment,
    string? FundraiserCampaign = null)
{
    public static readonly Evidence None = new(null, [], [], null);
}
