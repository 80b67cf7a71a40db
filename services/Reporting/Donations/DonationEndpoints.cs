using Donations.Contracts.Attribution;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Marten;

namespace Donations.Reporting.Donations;

public sealed record DonationAttributionResponse(
    string Status, string Rule, string? Reason, string Model, int LookbackDays, int Revision, IReadOnlyList<Credit> Credits);

public sealed record DonationResponse(
    Guid Id, string Provider, string ProviderTxId, long AmountMinor, string Currency, long RefundedMinor, DateTimeOffset OccurredAt,
    DonationAttributionResponse Attribution)
{
    public static DonationResponse Of(DonationView v) => new(
        v.Id, v.Provider, v.ProviderTxId, v.AmountMinor, v.Currency, v.RefundedMinor, v.OccurredAt,
        new DonationAttributionResponse(v.Attribution.Status, v.Attribution.Rule, v.Attribution.Reason, v.Attribution.Model,
            v.Attribution.LookbackDays, v.Attribution.Revision, v.Attribution.Credits));
}

public static class DonationEndpoints
{
    public const int PageSize = 100;

    public static void MapDonations(this IEndpointRouteBuilder app)
    {
        var donations = app.MapGroup("/api/ngos/{ngo}/donations").RequireNgoKey(NgoRoles.Viewer).WithTags("Donations");
        donations.MapGet("/", Find);
        donations.MapGet("/{id:guid}", Get);
    }

    /// <summary>Finds donations by the provider's own transaction id, as a finance team quotes it from a statement.</summary>
    private static async Task<IReadOnlyList<DonationResponse>> Find(string ngo, string? provider, string? providerTxId, IQuerySession session, CancellationToken ct)
    {
        var query = session.Query<DonationView>().Where(d => d.NgoId == ngo);
        if (!string.IsNullOrEmpty(provider)) query = query.Where(d => d.Provider == provider);
        if (!string.IsNullOrEmpty(providerTxId)) query = query.Where(d => d.ProviderTxId == providerTxId);
        var found = await query.OrderByDescending(d => d.OccurredAt).Take(PageSize).ToListAsync(ct);
        return found.Select(DonationResponse.Of).ToList();
    }

    private static async Task<IResult> Get(string ngo, Guid id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<DonationView>(id, ct) is { } view && view.NgoId == ngo
            ? TypedResults.Ok(DonationResponse.Of(view))
            : Problems.NotFound($"NGO '{ngo}' has no donation with id '{id}'.");
}
