using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Webhooks;
using Marten;
using Microsoft.Extensions.Options;

namespace Donations.Reporting.OutgoingWebhooks;

public sealed record RegisterWebhookEndpoint(string? Url, IReadOnlyList<string>? Events, string? Description);

public sealed record ChangeWebhookEndpoint(string? Url, IReadOnlyList<string>? Events, string? Description, bool? Enabled);

public sealed record WebhookEndpointResponse(
    Guid Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, string? DisabledReason, DateTimeOffset CreatedAt,
    DateTimeOffset? FailingSince, DateTimeOffset? LastSuccessAt)
{
    public static WebhookEndpointResponse Of(WebhookEndpoint e) =>
        new(e.Id, e.Url, e.Events, e.Description, e.Enabled, e.DisabledReason, e.CreatedAt, e.FailingSince, e.LastSuccessAt);
}

/// <summary>The endpoint as registered, with its signing secret: the only time the secret is shown.</summary>
public sealed record CreatedWebhookEndpoint(Guid Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, string Secret);

public sealed record DeliveryResponse(
    Guid Id, string MessageId, string Type, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt,
    int? LastStatusCode, long? LastLatencyMs, string? LastError, IReadOnlyList<WebhookAttempt> Log, string? Payload = null)
{
    public static DeliveryResponse Of(WebhookDelivery d, bool withPayload = false)
    {
        var last = d.Log.LastOrDefault();
        return new DeliveryResponse(d.Id, d.MessageId, d.Type, d.Status, d.Attempts, d.CreatedAt, d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null,
            d.DeliveredAt, last?.StatusCode, last?.LatencyMs, last?.Error, d.Log, withPayload ? d.Payload : null);
    }
}

/// <summary>
/// An NGO's webhook endpoints (manager key): register one and see its secret once, list and change them, read each
/// one's delivery log and replay a delivery.
/// </summary>
public static class WebhookEndpointsApi
{
    public const int MaxEndpoints = 20;
    public const int PageSize = 100;

    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var endpoints = app.MapGroup("/api/ngos/{ngo}/webhook-endpoints").RequireNgoKey(NgoRoles.Manager).WithTags("Webhook endpoints");
        endpoints.MapPost("/", Register).Produces<CreatedWebhookEndpoint>(StatusCodes.Status201Created)
            .WithSummary("Registers an endpoint for Standard Webhooks; the answer shows its signing secret, once.");
        endpoints.MapGet("/", List).Produces<IReadOnlyList<WebhookEndpointResponse>>();
        endpoints.MapGet("/{id}", Get).Produces<WebhookEndpointResponse>();
        endpoints.MapPut("/{id}", Change).Produces<WebhookEndpointResponse>().WithSummary("Changes the URL, events or description; enabled: true turns it on again.");
        endpoints.MapDelete("/{id}", Delete).Produces(StatusCodes.Status204NoContent);
        endpoints.MapGet("/{id}/deliveries", Deliveries).Produces<IReadOnlyList<DeliveryResponse>>()
            .WithSummary("The delivery log, newest first: status, attempts, response codes and latency.");
        endpoints.MapGet("/{id}/deliveries/{deliveryId}", Delivery).Produces<DeliveryResponse>();
        endpoints.MapPost("/{id}/deliveries/{deliveryId}/replay", Replay).Produces<DeliveryResponse>(StatusCodes.Status202Accepted)
            .WithSummary("Sends the delivery again now.");
    }

    private static async Task<IResult> Register(
        string ngo, RegisterWebhookEndpoint body, IDocumentSession session, WebhookSecrets secrets, IOptions<OutgoingWebhookOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (UrlProblem(body.Url, options.Value) is { } urlProblem) return Problems.BadRequest(urlProblem);
        if (EventsProblem(body.Events) is { } eventsProblem) return Problems.BadRequest(eventsProblem);
        if (body.Description is { Length: > 200 }) return Problems.BadRequest("'description' is at most 200 characters.");
        if (await session.Query<WebhookEndpoint>().CountAsync(e => e.NgoId == ngo, ct) >= MaxEndpoints)
            return Problems.Conflict($"An NGO has at most {MaxEndpoints} webhook endpoints; delete one first.");

        var secret = StandardWebhookSignature.NewSecret();
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.NewGuid(), NgoId = ngo, Url = body.Url!, Events = [.. body.Events ?? WebhookEventTypes.All], Description = body.Description,
            ProtectedSecret = secrets.Protect(secret), CreatedAt = clock.GetUtcNow(),
        };
        session.Insert(endpoint);
        await session.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/ngos/{ngo}/webhook-endpoints/{endpoint.Id}",
            new CreatedWebhookEndpoint(endpoint.Id, endpoint.Url, endpoint.Events, endpoint.Description, endpoint.Enabled, secret));
    }

    private static async Task<IResult> List(string ngo, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok((await session.Query<WebhookEndpoint>().Where(e => e.NgoId == ngo).OrderBy(e => e.CreatedAt).ToListAsync(ct)).Select(WebhookEndpointResponse.Of));

    private static async Task<IResult> Get(string ngo, string id, IQuerySession session, CancellationToken ct) =>
        await FindAsync(session, ngo, id, ct) is { } endpoint ? TypedResults.Ok(WebhookEndpointResponse.Of(endpoint)) : NotFound(ngo, id);

    /// <summary>Changes the URL, the events or the description; <c>enabled: true</c> turns a disabled endpoint back on, and what was waiting is sent.</summary>
    private static async Task<IResult> Change(
        string ngo, string id, ChangeWebhookEndpoint body, IQuerySession session, IDocumentStore store, IOptions<OutgoingWebhookOptions> options, WebhookOutbox outbox,
        CancellationToken ct)
    {
        if (await FindAsync(session, ngo, id, ct) is not { } found) return NotFound(ngo, id);
        if (body.Url is not null && UrlProblem(body.Url, options.Value) is { } urlProblem) return Problems.BadRequest(urlProblem);
        if (body.Events is not null && EventsProblem(body.Events) is { } eventsProblem) return Problems.BadRequest(eventsProblem);
        if (body.Description is { Length: > 200 }) return Problems.BadRequest("'description' is at most 200 characters.");
        var changed = await WebhookEndpointUpdates.UpdateAsync(store, found.Id, e =>
        {
            if (body.Url is not null) e.Url = body.Url;
            if (body.Events is not null) e.Events = [.. body.Events];
            if (body.Description is not null) e.Description = body.Description;
            if (body.Enabled is { } enabled && enabled != e.Enabled)
            {
                e.Enabled = enabled;
                e.DisabledReason = enabled ? null : "Disabled by the NGO.";
                e.FailingSince = null;
            }
        }, ct);
        if (changed is null) return NotFound(ngo, id);
        if (changed.Enabled) outbox.Written();
        return TypedResults.Ok(WebhookEndpointResponse.Of(changed));
    }

    private static async Task<IResult> Delete(string ngo, string id, IDocumentSession session, CancellationToken ct)
    {
        if (await FindAsync(session, ngo, id, ct) is not { } endpoint) return NotFound(ngo, id);
        session.Delete(endpoint);
        await session.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>The endpoint's deliveries, newest first: status, attempts, the last response code and latency, and every attempt.</summary>
    private static async Task<IResult> Deliveries(string ngo, string id, string? status, IQuerySession session, CancellationToken ct)
    {
        if (await FindAsync(session, ngo, id, ct) is not { } endpoint) return NotFound(ngo, id);
        if (status is not (null or DeliveryStatus.Pending or DeliveryStatus.Delivered or DeliveryStatus.Failed))
            return Problems.BadRequest($"'status' is '{DeliveryStatus.Pending}', '{DeliveryStatus.Delivered}' or '{DeliveryStatus.Failed}'.");
        var query = session.Query<WebhookDelivery>().Where(d => d.EndpointId == endpoint.Id);
        if (status is not null) query = query.Where(d => d.Status == status);
        var page = await query.OrderByDescending(d => d.CreatedAt).Take(PageSize).ToListAsync(ct);
        return TypedResults.Ok(page.Select(d => DeliveryResponse.Of(d)));
    }

    private static async Task<IResult> Delivery(string ngo, string id, string deliveryId, IQuerySession session, CancellationToken ct) =>
        await FindDeliveryAsync(session, ngo, id, deliveryId, ct) is { } delivery
            ? TypedResults.Ok(DeliveryResponse.Of(delivery, withPayload: true))
            : Problems.NotFound($"Webhook endpoint '{id}' of NGO '{ngo}' has no delivery '{deliveryId}'.");

    /// <summary>Sends the delivery again now, whatever became of it; the retry schedule starts again from here.</summary>
    private static async Task<IResult> Replay(
        string ngo, string id, string deliveryId, IQuerySession session, IDocumentStore store, WebhookOutbox outbox, TimeProvider clock, CancellationToken ct)
    {
        if (await FindDeliveryAsync(session, ngo, id, deliveryId, ct) is not { } found)
            return Problems.NotFound($"Webhook endpoint '{id}' of NGO '{ngo}' has no delivery '{deliveryId}'.");
        for (var i = 0; ; i++)
        {
            await using var write = store.LightweightSession();
            var delivery = (await write.LoadAsync<WebhookDelivery>(found.Id, ct))!;
            delivery.Status = DeliveryStatus.Pending;
            delivery.ScheduledAttempts = 0;
            delivery.NextAttemptAt = clock.GetUtcNow();
            write.Update(delivery);
            try
            {
                await write.SaveChangesAsync(ct);
                outbox.Written();
                return TypedResults.Accepted($"/api/ngos/{ngo}/webhook-endpoints/{id}/deliveries/{deliveryId}", DeliveryResponse.Of(delivery));
            }
            catch (JasperFx.ConcurrencyException) when (i < 5)
            {
            }
        }
    }

    private static async Task<WebhookEndpoint?> FindAsync(IQuerySession session, string ngo, string id, CancellationToken ct) =>
        Guid.TryParse(id, out var guid) && await session.LoadAsync<WebhookEndpoint>(guid, ct) is { } endpoint && endpoint.NgoId == ngo ? endpoint : null;

    private static async Task<WebhookDelivery?> FindDeliveryAsync(IQuerySession session, string ngo, string id, string deliveryId, CancellationToken ct) =>
        await FindAsync(session, ngo, id, ct) is { } endpoint && Guid.TryParse(deliveryId, out var guid)
        && await session.LoadAsync<WebhookDelivery>(guid, ct) is { } delivery && delivery.EndpointId == endpoint.Id
            ? delivery
            : null;

    private static IResult NotFound(string ngo, string id) => Problems.NotFound($"NGO '{ngo}' has no webhook endpoint '{id}'.");

    private static string? UrlProblem(string? url, OutgoingWebhookOptions options)
    {
        var insecure = options.AllowInsecureTargets;
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttps && !(insecure && uri.Scheme == Uri.UriSchemeHttp) || uri.UserInfo.Length > 0)
            return $"'url' must be an absolute {(insecure ? "http or https" : "https")} URL without credentials, at most 2000 characters.";
        if (!insecure && System.Net.IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && !TargetAddresses.IsPublic(address))
            return "'url' must point to a public address; webhooks are not sent to private, loopback or link-local ones.";
        return null;
    }

    private static string? EventsProblem(IReadOnlyList<string>? events) =>
        events is null ? null
        : events.Count == 0 || events.Any(e => !WebhookEventTypes.All.Contains(e)) || events.Distinct().Count() != events.Count
            ? $"'events' is a list of distinct event types from {string.Join(", ", WebhookEventTypes.All)}; leave it out for all of them."
            : null;
}
