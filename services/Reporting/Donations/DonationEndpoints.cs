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
    string? SubscriptionId, DonationAttributionResponse Attribution, DonorMark? Donor = null, IReadOnlyList<RefusedRefund>? RefusedRefunds = null,
    IReadOnlyList<Touchpoint>? Touchpoints = null, IReadOnlyList<RevisionLine>? History = null)
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

    /// <summary>
    /// Finds donations: by the provider's own transaction id, as a finance team quotes it from a statement, and by donor,
    /// post, campaign, fundraiser, status, reason and period (<c>from</c>/<c>to</c>, days in the NGO's time zone), newest
    /// first, <see cref="PageSize"/> at a time (<c>before</c> = the last one's <c>occurredAt</c> for the next page); also as CSV or XLSX.
    /// </summary>
    private static async Task<IResult> Find(
        string ngo, string? provider, string? providerTxId, string? asOf, [AsParameters] DonationSearch search, IQuerySession session, CancellationToken ct)
    {
        if (QueryValues.Moment("asOf", asOf, out var at) is { } invalid) return invalid;
        var (period, problem) = await ReportQuery.OfAsync(session, ngo, search.From, search.To, asOf, search.Format, search.TimeZone, ct);
        if (problem is not null) return problem;
        if (QueryValues.Moment("before", search.Before, out var before) is { } badBefore) return badBefore;
        if (search.Status is not (null or AttributionStatus.Attributed or AttributionStatus.Unattributed))
            return Problems.BadRequest($"'status' is '{AttributionStatus.Attributed}' or '{AttributionStatus.Unattributed}'.");
        var found = await FindAsync(ngo, provider, providerTxId, at, search, period!, before, session, ct);
        return period!.Csv
            ? Csv.File("donations", ["donation_id", "provider", "provider_tx_id", "occurred_at", "currency", "amount", "refunded", "attributed", "status", "reason", "rule", "model",
                    "revision", "donor_id", "subscription_id", "posts"],
                found.Select(d => new[]
                {
                    d.Id.ToString(), d.Provider, d.ProviderTxId, d.OccurredAt.ToString("O"), d.Currency, Csv.Major(d.AmountMinor, d.Currency), Csv.Major(d.RefundedMinor, d.Currency),
                    Csv.Major(d.Attribution.Credits.Sum(c => c.AmountMinor), d.Currency), d.Attribution.Status, d.Attribution.Reason, d.Attribution.Rule, d.Attribution.Model,
                    d.Attribution.Revision.ToString(), d.Donor?.Id, d.SubscriptionId, string.Join(' ', d.Attribution.Credits.Select(c => c.PostId).OfType<string>().Distinct()),
                }))
            : TypedResults.Ok(found);
    }

    private static async Task<IReadOnlyList<DonationResponse>> FindAsync(
        string ngo, string? provider, string? providerTxId, DateTimeOffset? asOf, DonationSearch search, ReportQuery period, DateTimeOffset? before,
        IQuerySession session, CancellationToken ct)
    {
        var query = session.Query<DonationView>().Where(d => d.NgoId == ngo);
        if (!string.IsNullOrEmpty(provider)) query = query.Where(d => d.Provider == provider);
        if (!string.IsNullOrEmpty(providerTxId)) query = query.Where(d => d.ProviderTxId == providerTxId);
        if (!string.IsNullOrEmpty(search.Donor)) query = query.Where(d => d.DonorId == search.Donor);
        if (!string.IsNullOrEmpty(search.Status)) query = query.Where(d => d.Status == search.Status);
        if (!string.IsNullOrEmpty(search.Reason)) query = query.Where(d => d.Reason == search.Reason);
        if (!string.IsNullOrEmpty(search.Post)) query = query.Where(d => d.Latest.Credits.Any(c => c.PostId == search.Post));
        if (!string.IsNullOrEmpty(search.Campaign)) query = query.Where(d => d.Latest.Credits.Any(c => c.CampaignId == search.Campaign));
        if (!string.IsNullOrEmpty(search.Fundraiser)) query = query.Where(d => d.Latest.Credits.Any(c => c.FundraiserId == search.Fundraiser));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(period.TimeZone);
        if (period.From is { } from) { var start = Local(from, zone); query = query.Where(d => d.OccurredAt >= start); }
        if (period.To is { } to) { var end = Local(to.AddDays(1), zone); query = query.Where(d => d.OccurredAt < end); }
        if (before?.ToUniversalTime() is { } b) query = query.Where(d => d.OccurredAt < b);
        var found = await query.OrderByDescending(d => d.OccurredAt).Take(PageSize).ToListAsync(ct);
        var decisions = new List<DonationAttributed>();
        if (asOf is null) decisions.AddRange(found.Select(v => v.Latest));
        else
            foreach (var view in found)
                if (await AsOfAsync(session, view.Id, asOf.Value, ct) is { } entry) decisions.Add(entry.Decision);
        var erased = await DonationResponse.ErasedAsync(session, ngo, decisions, ct);
        return decisions.Select(d => DonationResponse.Of(d, erased)).ToList();
    }

    private static DateTimeOffset Local(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
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
        if (decision is null || decision.NgoId != ngo)
            return Problems.NotFound($"NGO '{ngo}' has no donation with id '{id}'{(asOf is null ? "" : $" as of {asOf:O}")}.");
        var history = (await session.Query<LedgerEntry>().Where(e => e.DonationId == id).OrderBy(e => e.Revision).ToListAsync(ct))
            .Where(e => e.Decision.Revision <= decision.Revision).Select(e => RevisionLine.Of(e.Decision)).ToList();
        return TypedResults.Ok(DonationResponse.Of(decision, await DonationResponse.ErasedAsync(session, ngo, [decision], ct)) with
        {
            Touchpoints = await Touchpoint.OfAsync(session, decision, history, ct), History = history,
        });
    }

    private static Task<LedgerEntry?> AsOfAsync(IQuerySession session, Guid donationId, DateTimeOffset asOf, CancellationToken ct) =>
        session.Query<LedgerEntry>()
            .Where(e => e.DonationId == donationId && e.DecidedAt <= asOf)
            .OrderByDescending(e => e.Revision)
            .FirstOrDefaultAsync(ct);
}
