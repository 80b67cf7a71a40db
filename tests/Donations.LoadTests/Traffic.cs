using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Donations.Testing;

namespace Donations.LoadTests;

/// <summary>
/// Steady traffic as providers and donors make it: a click on a tracked link (half the time), the payment's signed
/// webhook, sometimes a partial refund (a third of them delivered before their payment), and 30% of webhooks delivered
/// two or three times at once. Like a provider, every delivery is retried until it gets a 2xx; the client-side ledger
/// records money only once a 2xx has been received for it.
/// </summary>
public sealed class Traffic(LocalSystem system, string ngo, string code, string run)
{
    private readonly HttpClient[] _ingestion = system.Instances("Ingestion")
        .Select(i => new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = i.BaseAddress, Timeout = TimeSpan.FromSeconds(5) })
        .ToArray();
    private readonly ConcurrentDictionary<string, long> _payments = new();
    private readonly ConcurrentDictionary<string, long> _refunds = new();
    private long _jobs, _deliveries, _retries, _rejected;

    public int Payments => _payments.Count;
    public long PaymentsMinor => _payments.Values.Sum();
    public long RefundsMinor => _refunds.Values.Sum();
    public long Deliveries => Interlocked.Read(ref _deliveries);
    public long Retries => Interlocked.Read(ref _retries);
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Runs <paramref name="workers"/> donors until <paramref name="stop"/>; returns once every started job is acknowledged.</summary>
    public Task RunAsync(int workers, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            while (!stop.IsCancellationRequested)
            {
                await JobAsync(Interlocked.Increment(ref _jobs));
                await Task.Delay(40, CancellationToken.None);
            }
        }));

    private HttpClient Any() => _ingestion[Random.Shared.Next(_ingestion.Length)];

    private async Task JobAsync(long n)
    {
        var tx = $"{run}-{n}";
        string? clickId = null;
        if (n % 2 == 0)
        {
            try
            {
                using var click = await Any().GetAsync($"/r/{code}");
                clickId = click.Headers.Location?.Query.Split("click_id=").ElementAtOrDefault(1);
            }
            catch (Exception) { } // a donor whose click failed pays anyway, unattributed
        }
        var amount = Random.Shared.Next(1, 500) * 100L + Random.Shared.Next(0, 100);
        var copies = Random.Shared.NextDouble() < 0.3 ? Random.Shared.Next(2, 4) : 1;
        var payment = Body(new { type = "donation.succeeded", id = tx, amountMinor = amount, currency = "RUB", occurredAt = DateTimeOffset.UtcNow, clickId });
        if (n % 10 != 0)
        {
            if (await DeliverAsync(payment, copies)) _payments[tx] = amount;
            return;
        }
        var refund = Body(new { type = "donation.refunded", id = $"{tx}-refund", refundOf = tx, amountMinor = amount / 2, currency = "RUB", occurredAt = DateTimeOffset.UtcNow });
        var refundFirst = n % 30 == 0;
        var (first, second) = refundFirst ? (refund, payment) : (payment, refund);
        var firstAccepted = await DeliverAsync(first, copies);
        var secondAccepted = await DeliverAsync(second, copies);
        if (refundFirst ? secondAccepted : firstAccepted) _payments[tx] = amount;
        if (refundFirst ? firstAccepted : secondAccepted) _refunds[tx] = amount / 2;
    }

    private static string Body(object notification) => JsonSerializer.Serialize(notification, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Delivers <paramref name="body"/> <paramref name="copies"/> times at once; true when any copy got a 2xx.</summary>
    private async Task<bool> DeliverAsync(string body, int copies)
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, copies).Select(_ => DeliverUntilAcknowledgedAsync(body)));
        return outcomes.Any(ok => ok);
    }

    private async Task<bool> DeliverUntilAcknowledgedAsync(string body)
    {
        var giveUp = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < giveUp)
        {
            Interlocked.Increment(ref _deliveries);
            try
            {
                var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(IngestBenchmark.Secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/generic/{ngo}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("Donations-Signature", $"t={t},v1={signature}");
                using var response = await Any().SendAsync(request);
                if (response.IsSuccessStatusCode) return true;
                if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref _rejected);
                    Console.Error.WriteLine($"\n  rejected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    return false;
                }
            }
            catch (Exception) { } // refused, reset or timed out: the provider tries again
            Interlocked.Increment(ref _retries);
            await Task.Delay(500);
        }
        return false;
    }
}
