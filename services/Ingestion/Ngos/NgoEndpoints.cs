using System.Text.RegularExpressions;
using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Marten;
using Marten.Exceptions;

namespace Donations.Ingestion.Ngos;

public sealed record RegisterNgo(string? Id, string? Name, long? VkGroupId, bool Verified, string? TimeZone = null);

public sealed record ChangeTimeZone(string? TimeZone);

public sealed record NgoRegisteredResponse(string Id, string ManagerKey, string ViewerKey);

public sealed record NgoSession(string NgoId, string Name, string Role, string TimeZone);

public static partial class NgoEndpoints
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    public static partial Regex Slug();

    /// <summary>What <see cref="Slug"/> accepts, in words, for every id a person chooses.</summary>
    public const string SlugRule = "must be 2–64 characters of lower-case Latin letters, digits and dashes, starting with a letter or digit, e.g. \"help-kids\".";

    public static void MapNgos(this WebApplication app)
    {
        app.MapPost("/api/ngos", Register).RequireAdminKey(app.Configuration).WithTags("NGOs");
        app.MapGet("/api/ngos/{ngo}/session", Session).RequireNgoKey(NgoRoles.Viewer).WithTags("NGOs")
            .WithSummary("Who a key is: the NGO, its time zone and the key's role, for the web app's sign-in.");
        app.MapPut("/api/ngos/{ngo}/time-zone", ChangeZone).RequireNgoKey(NgoRoles.Manager).WithTags("NGOs")
            .WithSummary("The NGO's time zone: the zone every report counts its calendar days in.");
    }

    private static async Task<IResult> ChangeZone(string ngo, ChangeTimeZone body, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (!NgoTimeZones.IsIana(body.TimeZone)) return Problems.BadRequest($"'timeZone' {NgoTimeZones.Rule}.");
        if (await session.LoadAsync<NgoAccount>(ngo, ct) is not { } account) return Problems.NotFound($"No NGO '{ngo}'.");
        if (account.TimeZone == body.TimeZone) return TypedResults.Ok(new { timeZone = account.TimeZone });
        var changed = new NgoTimeZoneChanged(ngo, body.TimeZone!, clock.GetUtcNow());
        session.Events.Append(StableId.From("ngo", ngo), changed);
        session.Store(account with { TimeZone = changed.TimeZone });
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(new { timeZone = changed.TimeZone, changedAt = changed.ChangedAt });
    }

    private static async Task<IResult> Session(string ngo, HttpContext http, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<NgoAccount>(ngo, ct) is { } account
            ? TypedResults.Ok(new NgoSession(account.Id, account.Name, NgoAccess.Role(http)!, account.TimeZone))
            : Problems.NotFound($"No NGO '{ngo}'.");

    private static async Task<IResult> Register(RegisterNgo body, IDocumentSession session, CancellationToken ct)
    {
        if (body.Id is null || !Slug().IsMatch(body.Id))
            return Problems.BadRequest($"'id' {SlugRule}");
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200)
            return Problems.BadRequest("'name' is required, at most 200 characters.");
        if (body.TimeZone is not null && !NgoTimeZones.IsIana(body.TimeZone))
            return Problems.BadRequest($"'timeZone' {NgoTimeZones.Rule}.");
        var zone = body.TimeZone ?? NgoTimeZones.Default;

        var now = DateTimeOffset.UtcNow;
        var managerKey = ApiKeys.Generate(NgoRoles.Manager);
        var viewerKey = ApiKeys.Generate(NgoRoles.Viewer);
        var keys = new[] { new ApiKeyGranted(ApiKeys.Hash(managerKey), NgoRoles.Manager), new ApiKeyGranted(ApiKeys.Hash(viewerKey), NgoRoles.Viewer) };

        session.Events.StartStream<NgoAccount>(StableId.From("ngo", body.Id),
            new NgoRegistered(body.Id, body.Name.Trim(), body.VkGroupId, body.Verified, keys, now, zone));
        session.Insert(new NgoAccount(body.Id, body.Name.Trim(), body.VkGroupId, body.Verified, now, zone));
        session.Store(keys.Select(k => new ApiKey(k.KeyHash, body.Id, k.Role, now)).ToArray());
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ExistingStreamIdCollisionException)
        {
            return Problems.Conflict($"An NGO with id '{body.Id}' already exists.");
        }
        return TypedResults.Created($"/api/ngos/{body.Id}", new NgoRegisteredResponse(body.Id, managerKey, viewerKey));
    }
}
