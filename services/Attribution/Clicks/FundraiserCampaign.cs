using Donations.Contracts.Ingestion;
using Marten;
using MassTransit;

namespace Donations.Attribution.Clicks;

/// <summary>Which campaign a fundraiser belongs to, so a donation credited to the fundraiser (rule 4) counts for its campaign.</summary>
public sealed record FundraiserCampaign(string Id, string? CampaignId)
{
    public static string DocumentId(string ngo, string fundraiserId) => $"{ngo}/{fundraiserId}";
}

public sealed class FundraiserConsumer(IDocumentSession session) : IConsumer<FundraiserRegistered>
{
    public async Task Consume(ConsumeContext<FundraiserRegistered> context)
    {
        var m = context.Message;
        session.Store(new FundraiserCampaign(FundraiserCampaign.DocumentId(m.NgoId, m.FundraiserId), m.CampaignId));
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
