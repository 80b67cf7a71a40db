using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Storage;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Donations.ServiceDefaults.Security;

/// <summary>
/// Bearer-key access. The admin key (configuration <c>DONATIONS_ADMIN_KEY</c>) only creates NGOs; an NGO's
/// manager key manages and reads that NGO, its viewer key only reads it. Every other combination is refused.
/// </summary>
public static class NgoAccess
{
    public const string AdminKeySetting = "DONATIONS_ADMIN_KEY";

    /// <summary>Requires the admin key, read once at start-up: a service that needs it does not start without it.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder, IConfiguration configuration) where TBuilder : IEndpointConventionBuilder
    {
        var adminKey = configuration.Required(AdminKeySetting);
        return builder.AddEndpointFilter(async (context, next) => BearerKey(context.HttpContext) switch
        {
            null => Problems.MissingKey(),
            var key when ApiKeys.FixedTimeEquals(key, adminKey) => await next(context),
            _ => Problems.Forbidden("Only the admin key can do this."),
        });
    }

    /// <summary>Whether the request carries the admin key (false where the service has none configured).</summary>
    public static bool IsAdmin(HttpContext http) =>
        http.RequestServices.GetRequiredService<IConfiguration>()[AdminKeySetting] is { Length: > 0 } adminKey
        && BearerKey(http) is { } key && ApiKeys.FixedTimeEquals(key, adminKey);

    /// <summary>
    /// Requires a key of the NGO named by the route's <c>{ngo}</c> with at least the given role (or, where
    /// <paramref name="orAdmin"/>, the admin key). Each use is recorded on the key, at most once a minute.
    /// </summary>
    public static TBuilder RequireNgoKey<TBuilder>(this TBuilder builder, string role, bool orAdmin = false) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (BearerKey(http) is not { } key) return Problems.MissingKey();
            if (orAdmin && IsAdmin(http)) return await next(context);

            var ngo = http.GetRouteValue("ngo")?.ToString();
            var session = http.RequestServices.GetRequiredService<IQuerySession>();
            var granted = await FindAsync(session, ApiKeys.Hash(key), ngo, http.RequestAborted);
            if (granted is null) return Problems.Unauthorized("The key is not known. Use the manager or viewer key given when the NGO was created.");
            if (granted.NgoId != ngo) return Problems.Forbidden("This key belongs to another NGO.");
            if (role == NgoRoles.Manager && granted.Role != NgoRoles.Manager) return Problems.Forbidden("This needs the NGO's manager key; a viewer key can only read.");
            await RecordUseAsync(http, granted);
            http.Items[typeof(ApiKey)] = granted;
            return await next(context);
        });

    /// <summary>The role of the NGO key the request was let in with (null for the admin key or none).</summary>
    public static string? Role(HttpContext http) => (http.Items[typeof(ApiKey)] as ApiKey)?.Role;

    private static readonly TimeSpan UseRecordedEvery = TimeSpan.FromMinutes(1);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> LastRecorded = new();

    /// <summary>An update in place, never a write of the whole key: a key revoked meanwhile must stay revoked.</summary>
    private static async Task RecordUseAsync(HttpContext http, ApiKey key)
    {
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (LastRecorded.TryGetValue(key.Id, out var last) && now - last < UseRecordedEvery) return;
        LastRecorded[key.Id] = now;
        await using var session = http.RequestServices.GetRequiredService<IDocumentStore>().LightweightSession();
        session.QueueSqlCommand($"update {session.DocumentStore.Options.Schema.For<ApiKey>(true)} set data = jsonb_set(data, '{{lastUsedAt}}', to_jsonb(?::text)) where id = ?",
            now.ToString("O"), key.Id);
        await session.SaveChangesAsync(http.RequestAborted);
    }

    /// <summary>How long a service waits for the keys of an NGO it has not heard of yet: they travel from Ingestion as an event.</summary>
    public static readonly TimeSpan NewNgoWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The key, or null. An NGO created a moment ago may not have reached this service yet: while it holds no key of that
    /// NGO at all, it waits up to <see cref="NewNgoWait"/> for the keys, so the first call after creation is answered right.
    /// </summary>
    private static async Task<ApiKey?> FindAsync(IQuerySession session, string hash, string? ngo, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + NewNgoWait;
        while (true)
        {
            if (await session.LoadAsync<ApiKey>(hash, ct) is { } granted) return granted;
            if (ngo is null || DateTime.UtcNow >= deadline) return null;
            // The NGO's keys arrive together: once any is here, one more look at this one is the answer.
            if (await session.Query<ApiKey>().AnyAsync(k => k.NgoId == ngo, ct)) return await session.LoadAsync<ApiKey>(hash, ct);
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private static string? BearerKey(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() is var header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim() is { Length: > 0 } key ? key : null
            : null;
}
