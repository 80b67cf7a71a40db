using Donations.Contracts.Attribution;
using Donations.Reporting.Reports;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Marten;

namespace Donations.Reporting.Donations;

public sealed record DonationAttributionResponse(
    string Status, string Rule, string? Reason, string Model, int LookbackDays, int SettingsVersion, int Revision, string Cause,
    DateTimeOffset DecidedAt, IReadOnlyList<Credit> Credits);

/// <summary>The donor as reports know them: a pseudonym (their details live sealed in Ingestion), and whether they were erased.</summary>
public sealed record DonorMark(string Id, bool Erased);

public sealed record DonationResponse(
    Guid Id, string Provider, string ProviderTxId, long AmountMinor, string Currency, long RefundedMinor, DateTimeOffset OccurredAt,
    string? SubscriptionId, DonationAttributionResponse Attribution, DonorMark? Donor = null, IReadOnlyList<RefusedRefund>? RefusedRefunds = null)
{
    public static DonationResponse Of(DonationAttributed d, ISet<string> erased) => new(
        d.DonationId, d.Provider, d.ProviderTxId, d.AmountMinor, d.Currency, d.RefundedMinor, d.OccurredAt, d.SubscriptionId,
        new DonationAttributionResponse(d.Status, d.Rule, d.Reason, d.Model, d.LookbackDays, d.SettingsVersion, d.Revision, d.Cause,
            d.DecidedAt, d.Credits),
        d.DonorId is { } donor ? new DonorMark(donor, erased.Contains(donor)) : null, d.RefusedRefunds ?? []);

    /// <summary>Which of these decisions' donors were erased.</summary>
    public static async Task<ISet<string>> ErasedAsync(IQuerySession session, string ngo, IEnumerable<DonationAttributed> decisions, CancellationToken ct)
    {
        var ids = decisions.Where(d => d.DonorId is not null).Select(d => ErasedDonor.DocumentId(ngo, d.DonorId!)).Distinct().ToArray();
        return ids.Length == 0 ? new HashSet<string>() : (await session.LoadManyAsync<ErasedDonor>(ct, ids)).Select(e => e.DonorId).ToHashSet();
    }
}

public static class DonationEndpoints
{
    public const int PageSize = 100;

    public static void MapDonations(this IEndpointRouteBuilder app)
    {
        var donations = app.MapGroup("/api/ngos/{ngo}/donations").RequireNgoKey(NgoRoles.Viewer).WithTags("Donations");
        donations.MapGet("/", Find);
        donations.MapGet("/{id}", Get);
    }

    /// <summary>Finds donations by the provider's own transaction id, as a finance team quotes it from a statement.</summary>
    private static async Task<IResult> Find(
        string ngo, string? provider, string? providerTxId, string? asOf, IQuerySession session, CancellationToken ct)
    {
        if (QueryValues.Moment("asOf", asOf, out var at) is { } invalid) return invalid;
        return TypedResults.Ok(await FindAsync(ngo, provider, providerTxId, at, session, ct));
    }

    private static async Task<IReadOnlyList<DonationResponse>> FindAsync(
        string ngo, string? provider, string? providerTxId, DateTimeOffset? asOf, IQuerySession session, CancellationToken ct)
    {
        var query = session.Query<DonationView>().Where(d => d.NgoId == ngo);
        if (!string.IsNullOrEmpty(provider)) query = query.Where(d => d.Provider == provider);
        if (!string.IsNullOrEmpty(providerTxId)) query = query.Where(d => d.ProviderTxId == providerTxId);
        var found = await query.OrderByDescending(d => d.OccurredAt).Take(PageSize).ToListAsync(ct);
        var decisions = new List<DonationAttributed>();
        if (asOf is null) decisions.AddRange(found.Select(v => v.Latest));
        else
            foreach (var view in found)
                if (await AsOfAsync(session, view.Id, asOf.Value, ct) is { } entry) decisions.Add(entry.Decision);
        var erased = await DonationResponse.ErasedAsync(session, ngo, decisions, ct);
        return decisions.Select(d => DonationResponse.Of(d, erased)).ToList();
    }

    /// <summary>The donation, its credits and why; with <c>asOf</c>, the answer as it stood at that moment.</summary>
    private static async Task<IResult> Get(string ngo, string id, string? asOf, IQuerySession session, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var donationId))
            return Problems.NotFound($"NGO '{ngo}' has no donation with id '{id}': donation ids are UUIDs, as the donation search answers them.");
        if (QueryValues.Moment("asOf", asOf, out var at) is { } invalid) return invalid;
        return await GetAsync(ngo, donationId, at, session, ct);
    }

    private static async Task<IResult> GetAsync(string ngo, Guid id, DateTimeOffset? asOf, IQuerySession session, CancellationToken ct)
    {
        var decision = asOf is null
            ? (await session.LoadAsync<DonationView>(id, ct))?.Latest
            : (await AsOfAsync(session, id, asOf.Value, ct))?.Decision;
        return decision is not null && decision.NgoId == ngo
            ? TypedResults.Ok(DonationResponse.Of(decision, await DonationResponse.ErasedAsync(session, ngo, [decision], ct)))
            : Problems.NotFound($"NGO '{ngo}' has no donation with id '{id}'{(asOf is null ? "" : $" as of {asOf:O}")}.");
    }

    private static Task<LedgerEntry?> AsOfAsync(IQuerySession session, Guid donationId, DateTimeOffset asOf, CancellationToken ct) =>
        session.Query<LedgerEntry>()
            .Where(e => e.DonationId == donationId && e.DecidedAt <= asOf)
            .OrderByDescending(e => e.Revision)
            .FirstOrDefaultAsync(ct);
}
