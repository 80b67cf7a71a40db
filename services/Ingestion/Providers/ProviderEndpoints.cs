using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Marten;

namespace Donations.Ingestion.Providers;

public sealed record GenericProviderSettings(string? Secret);

public static class ProviderEndpoints
{
    public const int MinSecretLength = 16;

    public static void MapProviders(this IEndpointRouteBuilder app) =>
        app.MapPut("/api/ngos/{ngo}/providers/generic", PutGeneric).RequireNgoKey(NgoRoles.Manager).WithTags("Providers");

    private static async Task<IResult> PutGeneric(string ngo, GenericProviderSettings body, IDocumentSession session, CancellationToken ct)
    {
        if (body.Secret is not { Length: >= MinSecretLength and <= 256 })
            return Problems.BadRequest($"'secret' must be {MinSecretLength} to 256 characters; it signs the generic webhooks.");
        session.Store(new ProviderSettings(ProviderSettings.DocumentId(ngo, Provider.Generic), ngo, Provider.Generic, body.Secret, DateTimeOffset.UtcNow));
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(new { provider = Provider.Generic, configured = true });
    }
}
