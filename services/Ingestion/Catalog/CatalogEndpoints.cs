using System.Security.Cryptography;
using Donations.Contracts.Ingestion;
using Donations.Contracts.Money;
using Donations.Ingestion.Ngos;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Marten;
using Marten.Exceptions;

namespace Donations.Ingestion.Catalog;

public sealed record RegisterCampaign(string? Id, string? Name, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

public sealed record MoneyBody(long? AmountMinor, string? Currency);

public sealed record RegisterFundraiser(string? Id, string? CampaignId, string? Title, MoneyBody? Goal, DateTimeOffset? Deadline, bool? RefusesLateGifts = null);

public sealed record RegisterPost(string? Id, string? CampaignId, string? FundraiserId, DateTimeOffset? PublishedAt);

public sealed record RecordSpend(string? CampaignId, string? PostId, long? AmountMinor, string? Currency, string? Source, DateTimeOffset? At);

public sealed record ChangeVerification(bool? Verified, DateTimeOffset? At = null);

/// <summary>
/// The NGO's own data. Each registration is the first event of a stream whose id is derived from the NGO and the
/// item's id, so registering the same id twice is a 409, and every change reaches Attribution and Reporting.
/// </summary>
public static class CatalogEndpoints
{
    public static void MapCatalog(this IEndpointRouteBuilder app)
    {
        var ngo = app.MapGroup("/api/ngos/{ngo}").RequireNgoKey(NgoRoles.Manager).WithTags("Catalog");
        ngo.MapPost("/campaigns", RegisterCampaign);
        ngo.MapPost("/fundraisers", RegisterFundraiser);
        ngo.MapPost("/posts", RegisterPost);
        ngo.MapPost("/spend", RecordSpend);
        ngo.MapPut("/verification", ChangeVerification);
        app.MapCatalogChanges();
    }

    private static async Task<IResult> RegisterCampaign(string ngo, RegisterCampaign body, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var id = body.Id ?? NewId("campaign");
        if (!NgoEndpoints.Slug().IsMatch(id)) return Problems.BadRequest($"'id' {NgoEndpoints.SlugRule}");
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200) return Problems.BadRequest("'name' is required, at most 200 characters.");
        if (body.StartsAt is null) return Problems.BadRequest("'startsAt' is required (ISO 8601 with offset).");
        if (body.EndsAt <= body.StartsAt) return Problems.BadRequest("'endsAt' must be after 'startsAt'.");

        var now = clock.GetUtcNow();
        session.Insert(new Campaign(CatalogKey.Of(ngo, id), ngo, id, body.Name.Trim(), body.StartsAt.Value, body.EndsAt));
        return await RegisterAsync(session, StableId.From("campaign", ngo, id),
            new CampaignRegistered(ngo, id, body.Name.Trim(), body.StartsAt.Value, body.EndsAt, now), $"Campaign '{id}'", $"/api/ngos/{ngo}/campaigns/{id}", ct);
    }

    private static async Task<IResult> RegisterFundraiser(string ngo, RegisterFundraiser body, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var id = body.Id ?? NewId("fundraiser");
        if (!NgoEndpoints.Slug().IsMatch(id)) return Problems.BadRequest($"'id' {NgoEndpoints.SlugRule}");
        if (string.IsNullOrWhiteSpace(body.Title) || body.Title.Length > 200) return Problems.BadRequest("'title' is required, at most 200 characters.");
        if (body.Goal?.AmountMinor is not { } goal || Currencies.Problem(goal, body.Goal.Currency) is { } money)
            return Problems.BadRequest($"'goal' must be {{amountMinor, currency}}: {Currencies.Problem(body.Goal?.AmountMinor ?? 0, body.Goal?.Currency)}");
        if (body.Deadline is null) return Problems.BadRequest("'deadline' is required (ISO 8601 with offset).");
        if (body.CampaignId is not null && await session.LoadAsync<Campaign>(CatalogKey.Of(ngo, body.CampaignId), ct) is null)
            return Problems.Unprocessable($"Campaign '{body.CampaignId}' is not registered; POST /api/ngos/{ngo}/campaigns first.");

        var now = clock.GetUtcNow();
        session.Insert(new Fundraiser(CatalogKey.Of(ngo, id), ngo, id, body.CampaignId, body.Title.Trim(), goal, body.Goal.Currency!, body.Deadline.Value,
            body.RefusesLateGifts ?? false));
        return await RegisterAsync(session, StableId.From("fundraiser", ngo, id),
            new FundraiserRegistered(ngo, id, body.CampaignId, body.Title.Trim(), goal, body.Goal.Currency!, body.Deadline.Value, now),
            $"Fundraiser '{id}'", $"/api/ngos/{ngo}/fundraisers/{id}", ct);
    }

    private static async Task<IResult> RegisterPost(string ngo, RegisterPost body, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (VkPostId.Normalise(body.Id) is not { } postId)
            return Problems.BadRequest("'id' must be a VK post id such as \"wall-123_456\" or a VK post URL.");
        if (body.CampaignId is null) return Problems.BadRequest("'campaignId' is required.");
        if (await session.LoadAsync<Campaign>(CatalogKey.Of(ngo, body.CampaignId), ct) is null)
            return Problems.Unprocessable($"Campaign '{body.CampaignId}' is not registered; POST /api/ngos/{ngo}/campaigns first.");
        if (body.FundraiserId is not null && await session.LoadAsync<Fundraiser>(CatalogKey.Of(ngo, body.FundraiserId), ct) is null)
            return Problems.Unprocessable($"Fundraiser '{body.FundraiserId}' is not registered; POST /api/ngos/{ngo}/fundraisers first.");

        var now = clock.GetUtcNow();
        var publishedAt = body.PublishedAt ?? now;
        session.Insert(new Post(CatalogKey.Of(ngo, postId), ngo, postId, body.CampaignId, body.FundraiserId, publishedAt));
        return await RegisterAsync(session, StableId.From("post", ngo, postId),
            new PostRegistered(ngo, postId, body.CampaignId, body.FundraiserId, publishedAt, now), $"Post '{postId}'", $"/api/ngos/{ngo}/posts/{postId}", ct);
    }

    private static async Task<IResult> RecordSpend(string ngo, RecordSpend body, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (body.Source is not (SpendSources.Own or SpendSources.VkGrant)) return Problems.BadRequest("'source' must be \"own\" or \"vk_grant\".");
        if (body.AmountMinor is not { } amount || Currencies.Problem(amount, body.Currency) is { } money)
            return Problems.BadRequest(Currencies.Problem(body.AmountMinor ?? 0, body.Currency)!);
        if (body.CampaignId is null || await session.LoadAsync<Campaign>(CatalogKey.Of(ngo, body.CampaignId), ct) is null)
            return Problems.Unprocessable($"'campaignId' must name a registered campaign of NGO '{ngo}'.");
        var postId = body.PostId is null ? null : VkPostId.Normalise(body.PostId);
        if (body.PostId is not null && (postId is null || await session.LoadAsync<Post>(CatalogKey.Of(ngo, postId), ct) is null))
            return Problems.Unprocessable($"Post '{body.PostId}' is not registered.");

        var now = clock.GetUtcNow();
        var spend = new SpendRecorded(ngo, Guid.CreateVersion7(), body.CampaignId, postId, amount, body.Currency!, body.Source, body.At ?? now, now);
        session.Events.StartStream(spend.SpendId, spend);
        await session.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/ngos/{ngo}/spend/{spend.SpendId}", spend);
    }

    private static async Task<IResult> ChangeVerification(string ngo, ChangeVerification body, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (body.Verified is not { } verified) return Problems.BadRequest("'verified' (true or false) is required.");
        // A mark recorded after the fact keeps the day it changed: the before/after comparison needs it.
        var now = clock.GetUtcNow();
        if (body.At > now) return Problems.BadRequest("'at' (when the mark changed) cannot be in the future.");
        if (await NgoVerification.ChangeAsync(session, ngo, verified, body.At ?? now, ct) is not { } changed) return TypedResults.Ok(new { verified });
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(new { verified, changedAt = changed.ChangedAt });
    }

    private static async Task<IResult> RegisterAsync(IDocumentSession session, Guid streamId, object registered, string what, string location, CancellationToken ct)
    {
        session.Events.StartStream(streamId, registered);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is ExistingStreamIdCollisionException or JasperFx.DocumentAlreadyExistsException)
        {
            return Problems.Conflict($"{what} is already registered.");
        }
        return TypedResults.Created(location, registered);
    }

    private static string NewId(string prefix) => $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
