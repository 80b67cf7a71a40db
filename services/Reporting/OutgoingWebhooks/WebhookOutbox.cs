using System.Text.Json;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Reporting.OutgoingWebhooks;

/// <summary>An event for the NGO's endpoints; its id is stable, so the same fact always gives the same event.</summary>
public sealed record WebhookEvent(string NgoId, string Type, Guid EventId, DateTimeOffset Timestamp, object Data);

/// <summary>
/// Turns an event into one delivery per endpoint of the NGO that listens for its type, in the caller's session (so in
/// the caller's transaction); deliveries already written for the event are left as they are. A disabled endpoint's
/// deliveries wait for it to be enabled again.
/// </summary>
public sealed class WebhookOutbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _written = new(0);

    public static string MessageId(Guid eventId) => $"msg_{eventId:N}";

    public static Guid DeliveryId(Guid endpointId, Guid eventId) => StableId.From("webhook-delivery", endpointId.ToString(), eventId.ToString());

    /// <summary>The Standard Webhooks payload: <c>{type, timestamp, data}</c>.</summary>
    public static string Payload(string type, DateTimeOffset timestamp, object data) => JsonSerializer.Serialize(new { type, timestamp, data }, Json);

    public Task<int> EnqueueAsync(IDocumentSession session, string ngo, string type, Guid eventId, DateTimeOffset timestamp, object data, DateTimeOffset now, CancellationToken ct) =>
        EnqueueAsync(session, [new WebhookEvent(ngo, type, eventId, timestamp, data)], now, ct);

    /// <summary>A page of events in two reads, whatever its size: the NGOs' endpoints, then the deliveries already written.</summary>
    public async Task<int> EnqueueAsync(IDocumentSession session, IReadOnlyCollection<WebhookEvent> events, DateTimeOffset now, CancellationToken ct)
    {
        var ngos = events.Select(e => e.NgoId).Distinct().ToArray();
        var endpoints = (await session.Query<WebhookEndpoint>().Where(e => e.NgoId.IsOneOf(ngos)).ToListAsync(ct)).ToLookup(e => e.NgoId);
        var due = events.SelectMany(e => endpoints[e.NgoId].Where(endpoint => endpoint.Events.Contains(e.Type))
            .Select(endpoint => (Id: DeliveryId(endpoint.Id, e.EventId), Endpoint: endpoint, Event: e))).DistinctBy(d => d.Id).ToList();
        if (due.Count == 0) return 0;
        var existing = (await session.LoadManyAsync<WebhookDelivery>(ct, due.Select(d => d.Id))).Select(d => d.Id).ToHashSet();
        var written = 0;
        foreach (var (id, endpoint, e) in due.Where(d => !existing.Contains(d.Id)))
        {
            session.Insert(new WebhookDelivery
            {
                Id = id, EndpointId = endpoint.Id, NgoId = e.NgoId, MessageId = MessageId(e.EventId), Type = e.Type, Payload = Payload(e.Type, e.Timestamp, e.Data),
                CreatedAt = now, NextAttemptAt = now,
            });
            written++;
        }
        return written;
    }

    /// <summary>Wakes the dispatcher of this instance: deliveries were committed and are due now.</summary>
    public void Written()
    {
        if (_written.CurrentCount == 0) _written.Release();
    }

    public Task<bool> WaitForWritesAsync(TimeSpan timeout, CancellationToken ct) => _written.WaitAsync(timeout, ct);
}
