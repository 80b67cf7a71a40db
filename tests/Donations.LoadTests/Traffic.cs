using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Donations.Testing;

namespace Donations.LoadTests;

/// <summary>
/// Steady traffic as providers and donors make it: a click on a tracked link (half the time), then the payment's
/// webhook from one of the four providers (generic 50%, CloudPayments 20%, YooKassa 20%, VK Pay 10%), recurring charges
/// of generic subscriptions, partial refunds (generic: a third of them delivered before their payment; CloudPayments:
/// after it), and 30% of webhooks delivered two or three times at once. Like a provider, every delivery is retried
/// until it gets a 2xx; the client-side ledger records money only once a 2xx has been received for it.
/// </summary>
public sealed class Traffic(LocalSystem system, string ngo, string code, string run)
{
    private readonly HttpClient[] _ingestion = system.Instances("Ingestion")
        .Select(i => new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = i.BaseAddress, Timeout = TimeSpan.FromSeconds(5),
        })
        .ToArray();
    private readonly ConcurrentDictionary<string, long> _payments = new();
    private readonly ConcurrentDictionary<string, long> _refunds = new();
    private readonly ConcurrentBag<double> _latencies = [];
    private readonly ConcurrentBag<double> _redirects = [];
    private long _jobs, _deliveries, _retries, _rejected;

    public int Payments => _payments.Count;
    public long PaymentsMinor => _payments.Values.Sum();
    public long RefundsMinor => _refunds.Values.Sum();
    public long Deliveries => Interlocked.Read(ref _deliveries);
    public long Retries => Interlocked.Read(ref _retries);
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Every webhook delivery's latency so far, in milliseconds, sorted.</summary>
    public double[] Latencies() => _latencies.Order().ToArray();

    /// <summary>Every redirect's latency so far, in milliseconds, sorted.</summary>
    public double[] Redirects() => _redirects.Order().ToArray();

    /// <summary>Forgets the latencies so far (a warm-up's), so that the percentiles describe what follows.</summary>
    public void ForgetLatencies()
    {
        _latencies.Clear();
        _redirects.Clear();
    }

    /// <summary>Runs <paramref name="workers"/> donors until <paramref name="stop"/>; returns once every started job is acknowledged.</summary>
    public Task RunAsync(int workers, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                await NextAsync();
                await Task.Delay(40, CancellationToken.None);
            }
        }));

    /// <summary>One donor: a click perhaps, a payment, perhaps a refund; completes when every webhook is acknowledged.</summary>
    public Task NextAsync() => JobAsync(Interlocked.Increment(ref _jobs));

    private HttpClient Any() => _ingestion[Random.Shared.Next(_ingestion.Length)];

    private async Task JobAsync(long n)
    {
        var tx = $"{run}-{n}";
        string? clickId = null;
        if (n % 2 == 0)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var click = await Any().GetAsync($"/r/{code}");
                clickId = click.Headers.Location?.Query.Split("click_id=").ElementAtOrDefault(1);
            }
            catch (Exception) { } // a donor whose click failed pays anyway, unattributed
            _redirects.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var amount = Random.Shared.Next(1, 500) * 100L + Random.Shared.Next(0, 100);
        var copies = Random.Shared.NextDouble() < 0.3 ? Random.Shared.Next(2, 4) : 1;
        switch (n % 10)
        {
            case 0: // generic, refunded in part; a third of the refunds come before their payment
                var payment = Generic(new { type = "donation.succeeded", id = tx, amountMinor = amount, currency = "RUB", occurredAt = DateTimeOffset.UtcNow, clickId });
                var refund = Generic(new { type = "donation.refunded", id = $"{tx}-refund", refundOf = tx, amountMinor = amount / 2, currency = "RUB", occurredAt = DateTimeOffset.UtcNow });
                var refundFirst = n % 30 == 0;
                var (first, second) = refundFirst ? (refund, payment) : (payment, refund);
                var firstAccepted = await DeliverAsync(first, copies);
                var secondAccepted = await DeliverAsync(second, copies);
                if (refundFirst ? secondAccepted : firstAccepted) _payments[tx] = amount;
                if (refundFirst ? firstAccepted : secondAccepted) _refunds[tx] = amount / 2;
                return;
            case 5: // a recurring charge of one of 50 generic subscriptions
                await Pay(tx, amount, copies, Generic(new
                {
                    type = "donation.succeeded", id = tx, amountMinor = amount, currency = "RUB", occurredAt = DateTimeOffset.UtcNow, clickId,
                    subscriptionId = $"{run}-subscription-{n / 10 % 50}",
                }));
                return;
            case 1 or 2: // CloudPayments Pay (JSON); one in four refunded in part afterwards (form-encoded, as CloudPayments sends it)
                var transaction = 1_000_000_000 + n;
                await Pay(transaction.ToString(), amount, copies, CloudPayments("application/json", JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["TransactionId"] = transaction, ["Amount"] = amount / 100m, ["Currency"] = "RUB", ["Status"] = "Completed",
                    ["DateTime"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    ["Data"] = clickId is null ? null : JsonSerializer.Serialize(new { click_id = clickId }),
                })));
                if (n % 20 == 1 && await DeliverAsync(CloudPayments("application/x-www-form-urlencoded",
                        $"TransactionId={transaction + 1_000_000_000}&PaymentTransactionId={transaction}&Amount={(amount / 2 / 100m).ToString(CultureInfo.InvariantCulture)}&OperationType=Refund"), copies))
                    _refunds[transaction.ToString()] = amount / 2;
                return;
            case 3 or 4: // YooKassa payment.succeeded, from an allowed network (loopback is allowed for this NGO)
                await Pay(tx, amount, copies, YooKassa(JsonSerializer.Serialize(new
                {
                    type = "notification", @event = "payment.succeeded",
                    @object = new
                    {
                        id = tx, status = "succeeded", paid = true, created_at = DateTimeOffset.UtcNow,
                        amount = new { value = (amount / 100m).ToString("0.00", CultureInfo.InvariantCulture), currency = "RUB" },
                        metadata = new { click_id = clickId },
                    },
                })));
                return;
            case 6: // VK Pay transfer to the community: amount in thousandths of a rouble, click id in the description
                await Pay(tx, amount, copies, Vk(JsonSerializer.Serialize(new
                {
                    type = "vkpay_transaction", event_id = tx, v = "5.199", group_id = IngestBenchmark.VkGroupId, secret = IngestBenchmark.Secret,
                    @object = new { from_id = 100_000 + n % 1000, amount = amount * 10, description = clickId is null ? "Помощь" : $"Помощь click_id={clickId}", date = DateTimeOffset.UtcNow.ToUnixTimeSeconds() },
                })));
                return;
            default:
                await Pay(tx, amount, copies, Generic(new { type = "donation.succeeded", id = tx, amountMinor = amount, currency = "RUB", occurredAt = DateTimeOffset.UtcNow, clickId }));
                return;
        }
    }

    private async Task Pay(string key, long amount, int copies, Func<HttpRequestMessage> webhook)
    {
        if (await DeliverAsync(webhook, copies)) _payments[key] = amount;
    }

    private Func<HttpRequestMessage> Generic(object notification) => GenericWebhook(ngo, notification);

    /// <summary>A generic-provider webhook for <paramref name="ngo"/>, signed anew (current timestamp) each time it is built.</summary>
    public static Func<HttpRequestMessage> GenericWebhook(string ngo, object notification)
    {
        var body = JsonSerializer.Serialize(notification, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        return () => Signing.Generic(ngo, IngestBenchmark.Secret, body);
    }

    private Func<HttpRequestMessage> CloudPayments(string contentType, string body) => () =>
        Signing.CloudPayments($"/webhooks/cloudpayments/{ngo}", IngestBenchmark.Secret, Encoding.UTF8.GetBytes(body), contentType);

    private Func<HttpRequestMessage> YooKassa(string body) => () =>
        new HttpRequestMessage(HttpMethod.Post, $"/webhooks/yookassa/{ngo}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private Func<HttpRequestMessage> Vk(string body) => () =>
        new HttpRequestMessage(HttpMethod.Post, $"/webhooks/vk/{ngo}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>Delivers the webhook <paramref name="copies"/> times at once; true when any copy got a 2xx.</summary>
    private async Task<bool> DeliverAsync(Func<HttpRequestMessage> webhook, int copies)
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, copies).Select(_ => DeliverUntilAcknowledgedAsync(webhook)));
        return outcomes.Any(ok => ok);
    }

    private async Task<bool> DeliverUntilAcknowledgedAsync(Func<HttpRequestMessage> webhook)
    {
        var giveUp = DateTime.UtcNow.AddMinutes(5);
        var (last, target) = ("", (Uri?)null);
        while (DateTime.UtcNow < giveUp)
        {
            Interlocked.Increment(ref _deliveries);
            var started = Stopwatch.GetTimestamp();
            using var request = webhook();
            target = request.RequestUri;
            try
            {
                using var response = await Any().SendAsync(request);
                _latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.IsSuccessStatusCode) return true;
                if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref _rejected);
                    Console.Error.WriteLine($"\n  rejected {(int)response.StatusCode} {request.RequestUri}: {await response.Content.ReadAsStringAsync()}");
                    return false;
                }
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) // refused, reset or timed out: the provider tries again
            {
                _latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                last = e.Message;
            }
            Interlocked.Increment(ref _retries);
            await Task.Delay(500);
        }
        Console.Error.WriteLine($"\n  gave up after 5 minutes on {target}; the last answer: {last}");
        return false;
    }
}
