using System.Diagnostics;
using System.Text;
using Donations.ServiceDefaults.Webhooks;
using Marten;
using Marten.Exceptions;
using JasperFx;
using Microsoft.Extensions.Options;

namespace Donations.Reporting.OutgoingWebhooks;

/// <summary>
/// Sends due deliveries, signed per Standard Webhooks, and records each attempt. Everything it needs to carry on is
/// in PostgreSQL: a delivery is claimed by moving its next attempt past the timeout (an instance that dies mid-send
/// leaves it to be tried again: at least once), and after each failure the next attempt is written by the retry
/// schedule. 2xx is delivered; 410 disables the endpoint at once; failing without a success for
/// <see cref="OutgoingWebhookOptions.DisableAfterSeconds"/> disables it too.
/// </summary>
public sealed class WebhookDispatcher(
    IDocumentStore store, IHttpClientFactory http, WebhookSecrets secrets, WebhookOutbox outbox, TimeProvider clock,
    IOptions<OutgoingWebhookOptions> options, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "outgoing-webhooks";
    private const int Batch = 32;

    private OutgoingWebhookOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await DispatchDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Webhook deliveries could not be dispatched; trying again shortly");
            }
            if (sent < Batch) await outbox.WaitForWritesAsync(TimeSpan.FromSeconds(Options.PollSeconds), stoppingToken);
        }
    }

    private async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<WebhookDelivery> due;
        // The poll runs every second: traced, it would bury real traces (and every attempt is traced on its own).
        using (OpenTelemetry.SuppressInstrumentationScope.Begin())
        await using (var query = store.QuerySession())
        {
            var disabled = await query.Query<WebhookEndpoint>().Where(e => !e.Enabled).Select(e => e.Id).ToListAsync(ct);
            due = (await query.Query<WebhookDelivery>()
                .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && !d.EndpointId.IsOneOf(disabled.ToArray()))
                .OrderBy(d => d.NextAttemptAt).Take(Batch).ToListAsync(ct)).ToList();
        }
        using var slots = new SemaphoreSlim(Math.Max(1, Options.Concurrency));
        await Task.WhenAll(due.Select(async delivery =>
        {
            await slots.WaitAsync(ct);
            try
            {
                await AttemptAsync(delivery, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Webhook delivery {Delivery} could not be attempted", delivery.Id);
            }
            finally
            {
                slots.Release();
            }
        }));
        return due.Count;
    }

    private async Task AttemptAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(Options.TimeoutSeconds);
        // The claim: another instance that read the same row now fails on the version, and a crash leaves it due again.
        await using (var claim = store.LightweightSession())
        {
            delivery.NextAttemptAt = clock.GetUtcNow() + timeout + TimeSpan.FromSeconds(5);
            claim.Update(delivery);
            try
            {
                await claim.SaveChangesAsync(ct);
            }
            catch (ConcurrencyException)
            {
                return;
            }
        }

        WebhookEndpoint? endpoint;
        await using (var read = store.QuerySession()) endpoint = await read.LoadAsync<WebhookEndpoint>(delivery.EndpointId, ct);
        if (endpoint is null)
        {
            await RecordAsync(delivery.Id, d => d.Status = DeliveryStatus.Failed, ct);
            return;
        }
        if (!endpoint.Enabled)
        {
            // Left due: it goes when the endpoint is enabled again.
            await RecordAsync(delivery.Id, d => d.NextAttemptAt = clock.GetUtcNow(), ct);
            return;
        }

        var (attempt, retryAfter) = await SendAsync(endpoint, delivery, timeout, ct);
        var schedule = Options.Schedule;
        var succeeded = attempt.StatusCode is >= 200 and < 300;
        var gone = attempt.StatusCode == 410;
        await RecordAsync(delivery.Id, d =>
        {
            d.Attempts++;
            d.ScheduledAttempts++;
            d.Log.Add(attempt);
            if (d.Log.Count > WebhookDelivery.LogLimit) d.Log.RemoveAt(0);
            if (succeeded)
            {
                d.Status = DeliveryStatus.Delivered;
                d.DeliveredAt = attempt.At;
                return;
            }
            var next = gone ? null : schedule.Next(d.ScheduledAttempts, attempt.At, retryAfter, Random.Shared.NextDouble());
            if (next is { } at) d.NextAttemptAt = at;
            else d.Status = DeliveryStatus.Failed;
        }, ct);
        await WebhookEndpointUpdates.UpdateAsync(store, endpoint.Id, e =>
        {
            if (succeeded)
            {
                e.FailingSince = null;
                e.LastSuccessAt = attempt.At;
                return;
            }
            e.FailingSince ??= attempt.At;
            if (gone) Disable(e, $"The receiver answered 410 Gone at {attempt.At:O}.");
            else if (attempt.At - e.FailingSince >= TimeSpan.FromSeconds(Options.DisableAfterSeconds))
                Disable(e, $"Every attempt has failed since {e.FailingSince:O}.");
        }, ct);
    }

    private void Disable(WebhookEndpoint endpoint, string reason)
    {
        if (!endpoint.Enabled) return;
        endpoint.Enabled = false;
        endpoint.DisabledReason = reason;
        logger.LogWarning("Webhook endpoint {Endpoint} of {Ngo} disabled: {Reason}", endpoint.Id, endpoint.NgoId, reason);
    }

    private async Task<(WebhookAttempt Attempt, TimeSpan? RetryAfter)> SendAsync(WebhookEndpoint endpoint, WebhookDelivery delivery, TimeSpan timeout, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var replay = delivery.Attempts > 0 && delivery.ScheduledAttempts == 0;
        string secret;
        try
        {
            secret = secrets.Unprotect(endpoint.ProtectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The key ring that encrypted it is gone (an instance without persisted Data Protection keys was replaced).
            return (new WebhookAttempt(at, null, 0, "The endpoint's secret cannot be decrypted with this instance's Data Protection keys; register the endpoint again.", replay), null);
        }
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.IdHeader, delivery.MessageId);
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.TimestampHeader, at.ToUnixTimeSeconds().ToString());
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.SignatureHeader,
            StandardWebhookSignature.Sign(secret, delivery.MessageId, at.ToUnixTimeSeconds(), body));
        var watch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var code = (int)response.StatusCode;
            return (new WebhookAttempt(at, code, watch.ElapsedMilliseconds, code is >= 200 and < 300 ? null : $"HTTP {code}", replay),
                response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date - at));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            var error = e is OperationCanceledException ? $"No answer within {timeout.TotalSeconds:0.#} s" : e.Message;
            return (new WebhookAttempt(at, null, watch.ElapsedMilliseconds, error, replay), null);
        }
    }

    /// <summary>Applies an outcome to the delivery as stored now; a replay requested meanwhile is read first, not overwritten.</summary>
    private async Task RecordAsync(Guid deliveryId, Action<WebhookDelivery> apply, CancellationToken ct)
    {
        for (var i = 0; ; i++)
        {
            await using var session = store.LightweightSession();
            if (await session.LoadAsync<WebhookDelivery>(deliveryId, ct) is not { } delivery) return;
            apply(delivery);
            session.Update(delivery);
            try
            {
                await session.SaveChangesAsync(ct);
                return;
            }
            catch (ConcurrencyException) when (i < 3)
            {
            }
        }
    }
}
