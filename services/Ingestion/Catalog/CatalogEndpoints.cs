using Donations.Contracts.Ingestion;
using Donations.Ingestion.Ngos;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Marten;
using Marten.Exceptions;

namespace Donations.Ingestion.Catalog;

public sealed record RegisterPost(string? Id, string? CampaignId, string? FundraiserId, DateTimeOffset? PublishedAt);

public static class CatalogEndpoints
{
    public static void MapCatalog(this IEndpointRouteBuilder app)
    {
        var ngo = app.MapGroup("/api/ngos/{ngo}").RequireNgoKey(NgoRoles.Manager).WithTags("Catalog");
        ngo.MapPost("/posts", RegisterPost);
    }

    private static async Task<IResult> RegisterPost(string ngo, RegisterPost body, IDocumentSession session, CancellationToken ct)
    {
        if (VkPostId.Normalise(body.Id) is not { } postId)
            return Problems.BadRequest("'id' must be a VK post id such as \"wall-123_456\" or a VK post URL.");
        if (body.CampaignId is null || !NgoEndpoints.Slug().IsMatch(body.CampaignId))
            return Problems.BadRequest("'campaignId' is required: lower-case letters, digits and dashes.");
        if (body.FundraiserId is not null && !NgoEndpoints.Slug().IsMatch(body.FundraiserId))
            return Problems.BadRequest("'fundraiserId' must be lower-case letters, digits and dashes.");

        var publishedAt = body.PublishedAt ?? DateTimeOffset.UtcNow;
        session.Events.StartStream<Post>(StableId.From("post", ngo, postId),
            new PostRegistered(ngo, postId, body.CampaignId, body.FundraiserId, publishedAt, DateTimeOffset.UtcNow));
        session.Insert(new Post(Post.DocumentId(ngo, postId), ngo, postId, body.CampaignId, body.FundraiserId, publishedAt));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ExistingStreamIdCollisionException)
        {
            return Problems.Conflict($"Post '{postId}' is already registered.");
        }
        return TypedResults.Created($"/api/ngos/{ngo}/posts/{postId}", new { id = postId, campaignId = body.CampaignId, fundraiserId = body.FundraiserId, publishedAt });
    }
}
