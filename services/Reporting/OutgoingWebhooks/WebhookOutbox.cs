using System.Text.Json;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Reporting.OutgoingWebhooks;

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

    public async Task<int> EnqueueAsync(IDocumentSession session, string ngo, string type, Guid eventId, DateTimeOffset timestamp, object data, DateTimeOffset now, CancellationToken ct)
    {
        var endpoints = await session.Query<WebhookEndpoint>().Where(e => e.NgoId == ngo).ToListAsync(ct);
        var listening = endpoints.Where(e => e.Events.Contains(type)).ToList();
        if (listening.Count == 0) return 0;
        var ids = listening.ToDictionary(e => DeliveryId(e.Id, eventId));
        var existing = (await session.LoadManyAsync<WebhookDelivery>(ct, ids.Keys)).Select(d => d.Id).ToHashSet();
        var payload = Payload(type, timestamp, data);
        foreach (var (id, endpoint) in ids.Where(p => !existing.Contains(p.Key)))
            session.Insert(new WebhookDelivery
            {
                Id = id, EndpointId = endpoint.Id, NgoId = ngo, MessageId = MessageId(eventId), Type = type, Payload = payload, CreatedAt = now, NextAttemptAt = now,
            });
        return ids.Count - existing.Count;
    }

    /// <summary>Wakes the dispatcher of this instance: deliveries were committed and are due now.</summary>
    public void Written()
    {
        if (_written.CurrentCount == 0) _written.Release();
    }

    public Task<bool> WaitForWritesAsync(TimeSpan timeout, CancellationToken ct) => _written.WaitAsync(timeout, ct);
}
