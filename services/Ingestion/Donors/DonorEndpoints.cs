using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Ingestion.Donors;

public sealed record DonorResponse(string DonorId, string? Email, string? Name, DateTimeOffset FirstSeenAt);

/// <summary>A donor's personal data, for the NGO's manager only: read it, or erase it at the donor's request.</summary>
public static class DonorEndpoints
{
    public static void MapDonors(this IEndpointRouteBuilder app)
    {
        var donors = app.MapGroup("/api/ngos/{ngo}/donors").RequireNgoKey(NgoRoles.Manager).WithTags("Donors");
        donors.MapGet("/{donor}", Get);
        donors.MapDelete("/{donor}", Erase);
    }

    /// <summary><c>{donor}</c> is the pseudonym (<c>dnr_…</c>) the reports show, or the donor's own id or email.</summary>
    private static async Task<IResult> Get(string ngo, string donor, DonorVault vault, CancellationToken ct) =>
        await vault.RevealAsync(ngo, donor, ct) is var (key, details)
            ? TypedResults.Ok(new DonorResponse(key.DonorId, details.Email, details.Name, key.CreatedAt))
            : Problems.NotFound($"NGO '{ngo}' has no donor '{donor}', or the donor's data was erased.");

    /// <summary>
    /// Erasure: the donor's key and lookup are destroyed, so every sealed copy of their data is unreadable from now on;
    /// their donations, attribution and totals stay exactly as they were, under the pseudonym.
    /// </summary>
    private static async Task<IResult> Erase(string ngo, string donor, IDocumentSession session, DonorVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (await vault.FindAsync(session, ngo, donor, ct) is not { } key)
            return Problems.NotFound($"NGO '{ngo}' has no donor '{donor}', or the donor's data was already erased.");
        session.Delete(key);
        var erased = new DonorErased(ngo, key.DonorId, clock.GetUtcNow());
        session.Events.Append(StableId.From("donor", ngo, key.DonorId), erased);
        await session.SaveChangesAsync(ct);
        vault.Forget(key);
        return TypedResults.Ok(new { donorId = key.DonorId, erased = true, erasedAt = erased.ErasedAt });
    }
}
