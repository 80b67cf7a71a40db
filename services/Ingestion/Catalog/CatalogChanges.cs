using Donations.Contracts.Ingestion;
using Donations.Contracts.Money;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using JasperFx;
using Marten;

namespace Donations.Ingestion.Catalog;

public sealed record ChangeCampaign(string? Name, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

public sealed record ChangeFundraiser(string? CampaignId, string? Title, MoneyBody? Goal, DateTimeOffset? Deadline, bool? RefusesLateGifts);

/// <summary>
/// Listing, editing and closing what the NGO registered. An edit replaces the item's fields and is a new event in the
/// item's stream, so Attribution and Reporting see it; closing ends a campaign, or a fundraiser's collection, now.
/// </summary>
public static class CatalogChanges
{
    public static void MapCatalogChanges(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/ngos/{ngo}").RequireNgoKey(NgoRoles.Viewer).WithTags("Catalog");
        read.MapGet("/campaigns", ListCampaigns);
        read.MapGet("/fundraisers", ListFundraisers);
        read.MapGet("/spend", ListSpend);
        var manage = app.MapGroup("/api/ngos/{ngo}").RequireNgoKey(NgoRoles.Manager).WithTags("Catalog");
        manage.MapPut("/campaigns/{id}", EditCampaign);
        manage.MapPost("/campaigns/{id}/close", CloseCampaign);
        manage.MapPut("/fundraisers/{id}", EditFundraiser);
        manage.MapPost("/fundraisers/{id}/close", CloseFundraiser);
    }

    private static object View(Campaign c, DateTimeOffset now) =>
        new { id = c.CampaignId, name = c.Name, startsAt = c.StartsAt, endsAt = c.EndsAt, closed = c.EndsAt <= now };

    private static object View(Fundraiser f, DateTimeOffset now) => new
    {
        id = f.FundraiserId, campaignId = f.CampaignId, title = f.Title, goal = new { amountMinor = f.GoalMinor, currency = f.Currency },
        deadline = f.Deadline, refusesLateGifts = f.RefusesLateGifts, closed = f.Deadline <= now,
    };

    /// <summary>The NGO's campaigns, newest first.</summary>
    private static async Task<IResult> ListCampaigns(string ngo, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var campaigns = await session.Query<Campaign>().Where(c => c.NgoId == ngo).OrderByDescending(c => c.StartsAt).ToListAsync(ct);
        return TypedResults.Ok(new { campaigns = campaigns.Select(c => View(c, clock.GetUtcNow())) });
    }

    /// <summary>The NGO's fundraisers, latest deadline first.</summary>
    private static async Task<IResult> ListFundraisers(string ngo, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var fundraisers = await session.Query<Fundraiser>().Where(f => f.NgoId == ngo).OrderByDescending(f => f.Deadline).ToListAsync(ct);
        return TypedResults.Ok(new { fundraisers = fundraisers.Select(f => View(f, clock.GetUtcNow())) });
    }

    /// <summary>The NGO's last 200 spend entries, entered or imported, newest first; a re-imported VK Ads day shows its latest amount.</summary>
    private static async Task<IResult> ListSpend(string ngo, IQuerySession session, CancellationToken ct)
    {
        var recorded = await session.Events.QueryRawEventDataOnly<SpendRecorded>().Where(s => s.NgoId == ngo)
            .OrderByDescending(s => s.RecordedAt).Take(1000).ToListAsync(ct);
        var latest = recorded.GroupBy(s => s.SpendId).Select(g => g.First()).OrderByDescending(s => s.SpentAt).Take(200);
        return TypedResults.Ok(new
        {
            spend = latest.Select(s => new
            {
                id = s.SpendId, campaignId = s.CampaignId, postId = s.PostId, amountMinor = s.AmountMinor, currency = s.Currency, source = s.Source,
                at = s.SpentAt, recordedAt = s.RecordedAt,
            }),
        });
    }

    private static async Task<IResult> EditCampaign(string ngo, string id, ChangeCampaign body, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200) return Problems.BadRequest("'name' is required, at most 200 characters.");
        if (body.StartsAt is null) return Problems.BadRequest("'startsAt' is required (ISO 8601 with offset).");
        if (body.EndsAt <= body.StartsAt) return Problems.BadRequest("'endsAt' must be after 'startsAt'.");
        if (await session.LoadAsync<Campaign>(CatalogKey.Of(ngo, id), ct) is not { } campaign) return UnknownCampaign(ngo, id);
        return await ChangeCampaignAsync(session, campaign with { Name = body.Name.Trim(), StartsAt = body.StartsAt.Value, EndsAt = body.EndsAt }, clock, ct);
    }

    /// <summary>Ends the campaign now; one that has ended already stays as it is.</summary>
    private static async Task<IResult> CloseCampaign(string ngo, string id, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (await session.LoadAsync<Campaign>(CatalogKey.Of(ngo, id), ct) is not { } campaign) return UnknownCampaign(ngo, id);
        var now = clock.GetUtcNow();
        if (campaign.EndsAt <= now) return TypedResults.Ok(View(campaign, now));
        if (campaign.StartsAt >= now) return Problems.Conflict($"Campaign '{id}' has not started yet (it starts at {campaign.StartsAt:O}); change its dates instead.");
        return await ChangeCampaignAsync(session, campaign with { EndsAt = now }, clock, ct);
    }

    private static async Task<IResult> ChangeCampaignAsync(IDocumentSession session, Campaign changed, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await AppendAsync(session, StableId.From("campaign", changed.NgoId, changed.CampaignId), version =>
        {
            session.Store(changed);
            return new CampaignChanged(changed.NgoId, changed.CampaignId, changed.Name, changed.StartsAt, changed.EndsAt, version, now);
        }, $"Campaign '{changed.CampaignId}'", View(changed, now), ct);
    }

    private static async Task<IResult> EditFundraiser(string ngo, string id, ChangeFundraiser body, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Title) || body.Title.Length > 200) return Problems.BadRequest("'title' is required, at most 200 characters.");
        if (body.Goal?.AmountMinor is not { } goal || Currencies.Problem(goal, body.Goal.Currency) is not null)
            return Problems.BadRequest($"'goal' must be {{amountMinor, currency}}: {Currencies.Problem(body.Goal?.AmountMinor ?? 0, body.Goal?.Currency)}");
        if (body.Deadline is null) return Problems.BadRequest("'deadline' is required (ISO 8601 with offset).");
        if (await session.LoadAsync<Fundraiser>(CatalogKey.Of(ngo, id), ct) is not { } fundraiser) return UnknownFundraiser(ngo, id);
        if (body.Goal.Currency != fundraiser.Currency)
            return Problems.Unprocessable($"'goal.currency' stays {fundraiser.Currency}: the fundraiser's money is counted in it. Register a new fundraiser for another currency.");
        if (body.CampaignId is not null && body.CampaignId != fundraiser.CampaignId)
            return Problems.Conflict($"'campaignId': fundraiser '{id}' belongs to {(fundraiser.CampaignId is null ? "no campaign" : $"campaign '{fundraiser.CampaignId}'")}; moving it to another is not possible for now.");
        return await ChangeFundraiserAsync(session, fundraiser with
        {
            Title = body.Title.Trim(), GoalMinor = goal, Deadline = body.Deadline.Value, RefusesLateGifts = body.RefusesLateGifts ?? fundraiser.RefusesLateGifts,
        }, clock, ct);
    }

    /// <summary>Ends the fundraiser's collection now (its deadline becomes now); one past its deadline stays as it is.</summary>
    private static async Task<IResult> CloseFundraiser(string ngo, string id, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (await session.LoadAsync<Fundraiser>(CatalogKey.Of(ngo, id), ct) is not { } fundraiser) return UnknownFundraiser(ngo, id);
        var now = clock.GetUtcNow();
        return fundraiser.Deadline <= now
            ? TypedResults.Ok(View(fundraiser, now))
            : await ChangeFundraiserAsync(session, fundraiser with { Deadline = now }, clock, ct);
    }

    private static async Task<IResult> ChangeFundraiserAsync(IDocumentSession session, Fundraiser changed, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await AppendAsync(session, StableId.From("fundraiser", changed.NgoId, changed.FundraiserId), version =>
        {
            session.Store(changed);
            return new FundraiserChanged(changed.NgoId, changed.FundraiserId, changed.CampaignId, changed.Title, changed.GoalMinor, changed.Currency,
                changed.Deadline, version, now);
        }, $"Fundraiser '{changed.FundraiserId}'", View(changed, now), ct);
    }

    /// <summary>The change is the stream's next version; two changes at once: the second is a 409, to read and try again.</summary>
    private static async Task<IResult> AppendAsync(IDocumentSession session, Guid stream, Func<int, object> change, string what, object answer, CancellationToken ct)
    {
        var state = await session.Events.FetchStreamStateAsync(stream, ct);
        var version = (int)(state?.Version ?? 0) + 1;
        session.Events.Append(stream, version, change(version));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ConcurrencyException)
        {
            return Problems.Conflict($"{what} was changed by someone else at the same moment; read it and try again.");
        }
        return TypedResults.Ok(answer);
    }

    private static IResult UnknownCampaign(string ngo, string id) => Problems.NotFound($"Campaign '{id}' is not registered for NGO '{ngo}'.");

    private static IResult UnknownFundraiser(string ngo, string id) => Problems.NotFound($"Fundraiser '{id}' is not registered for NGO '{ngo}'.");
}
