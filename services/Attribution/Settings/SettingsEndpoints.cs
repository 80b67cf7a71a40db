using Donations.Attribution.Ledger;
using Donations.Attribution.Models;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using JasperFx.Events;
using Marten;

namespace Donations.Attribution.Settings;

public sealed record ChangeSettings(string? Model, int? LookbackDays);

public sealed record ReattributionProgress(
    int SettingsVersion, int Total, int Done, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int Failed = 0, IReadOnlyList<ReattributionFailure>? Failures = null);

/// <summary>A donation the replay set aside, and the error that stopped it.</summary>
public sealed record ReattributionFailure(Guid DonationId, string Error, DateTimeOffset SetAsideAt);

public sealed record SettingsResponse(string Model, int LookbackDays, int Version, ReattributionProgress? Reattribution);

public static class SettingsEndpoints
{
    public static void MapSettings(this IEndpointRouteBuilder app)
    {
        var settings = app.MapGroup("/api/ngos/{ngo}/attribution-settings").WithTags("Attribution settings");
        settings.MapGet("/", Get).RequireNgoKey(NgoRoles.Viewer);
        settings.MapPut("/", Change).RequireNgoKey(NgoRoles.Manager);
    }

    private static async Task<SettingsResponse> Get(string ngo, IQuerySession session, CancellationToken ct)
    {
        var current = (await session.LoadAsync<NgoSettings>(ngo, ct))?.ToSettings() ?? AttributionSettings.Default;
        return new SettingsResponse(current.Model, current.LookbackDays, current.Version, await ProgressAsync(session, ngo, ct));
    }

    /// <summary>
    /// New settings apply at once to new donations; history is replayed through them in the background, each
    /// donation getting a new revision (the old ones stay). The answer is 202 with the replay's progress.
    /// </summary>
    private static async Task<IResult> Change(string ngo, ChangeSettings body, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (AttributionSettings.Problem(body.Model, body.LookbackDays) is { } problem) return Problems.BadRequest(problem);
        var current = (await session.LoadAsync<NgoSettings>(ngo, ct))?.ToSettings() ?? AttributionSettings.Default;
        if (current.Model == body.Model && current.LookbackDays == body.LookbackDays)
            return TypedResults.Ok(new SettingsResponse(current.Model, current.LookbackDays, current.Version, await ProgressAsync(session, ngo, ct)));

        var now = clock.GetUtcNow();
        var version = current.Version + 1;
        var changed = new AttributionSettingsChanged(ngo, body.Model!, body.LookbackDays!.Value, version, now);
        var stream = StableId.From("attribution-settings", ngo);
        if (version == 1) session.Events.StartStream(stream, changed);
        else session.Events.Append(stream, version, changed);
        session.Store(new NgoSettings(ngo, changed.Model, changed.LookbackDays, version, now));
        var total = await session.Query<DonationIndex>().CountAsync(d => d.NgoId == ngo, ct);
        session.Store(new Reattribution(ngo, version, total, now, null));
        session.DeleteWhere<SetAsideDonation>(s => s.NgoId == ngo); // tried again under the new settings
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is JasperFx.ConcurrencyException or ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            return Problems.Conflict("The settings were changed by someone else at the same moment; read them and try again.");
        }
        return TypedResults.Accepted($"/api/ngos/{ngo}/attribution-settings",
            new SettingsResponse(changed.Model, changed.LookbackDays, version, new ReattributionProgress(version, total, 0, now, null, 0, [])));
    }

    private static async Task<ReattributionProgress?> ProgressAsync(IQuerySession session, string ngo, CancellationToken ct)
    {
        if (await session.LoadAsync<Reattribution>(ngo, ct) is not { } job) return null;
        var remaining = await session.Query<DonationIndex>().CountAsync(d => d.NgoId == ngo && d.SettingsVersion < job.SettingsVersion, ct);
        var failures = (await session.Query<SetAsideDonation>().Where(s => s.NgoId == ngo && s.SettingsVersion == job.SettingsVersion).ToListAsync(ct))
            .Select(s => new ReattributionFailure(s.Id, s.Error, s.SetAsideAt)).ToList();
        return new ReattributionProgress(job.SettingsVersion, job.Total, Math.Max(0, job.Total - remaining), job.StartedAt, job.FinishedAt, failures.Count, failures);
    }
}
