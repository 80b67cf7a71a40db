using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Donations.Contracts.Money;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Donations.Ingestion.Webhooks.YooKassa;

public enum Confirmation { Confirmed, Contradicted, Unavailable }

/// <summary>
/// Asks YooKassa's API whether a payment really succeeded with the amount the notification claims. Each call has a
/// one-second budget per attempt, retries with jittered backoff, and a circuit breaker so an outage at YooKassa
/// answers fast; the whole stays well inside the five seconds a provider waits for our answer.
/// </summary>
public sealed class YooKassaApi(HttpClient http)
{
    public const string ApiUrlSetting = "Donations:YooKassaApiUrl";

    public static void Register(IHostApplicationBuilder builder) =>
        builder.Services.AddHttpClient<YooKassaApi>(client =>
                client.BaseAddress = new Uri(builder.Configuration[ApiUrlSetting] ?? "https://api.yookassa.ru/"))
            .AddResilienceHandler("yookassa", pipeline => pipeline
                .AddTimeout(TimeSpan.FromSeconds(3.5))
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 3, BackoffType = DelayBackoffType.Exponential, UseJitter = true, Delay = TimeSpan.FromMilliseconds(100),
                })
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5, MinimumThroughput = 5, SamplingDuration = TimeSpan.FromSeconds(30), BreakDuration = TimeSpan.FromSeconds(15),
                })
                .AddTimeout(TimeSpan.FromSeconds(1)));

    public async Task<Confirmation> ConfirmAsync(string shopId, string secretKey, string paymentId, long amountMinor, string currency, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v3/payments/{Uri.EscapeDataString(paymentId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{shopId}:{secretKey}")));
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.NotFound) return Confirmation.Contradicted;
            if (!response.IsSuccessStatusCode) return Confirmation.Unavailable;
            using var payment = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
            var root = payment.RootElement;
            var amount = root.GetProperty("amount");
            return root.GetProperty("status").GetString() == "succeeded"
                   && amount.GetProperty("currency").GetString() == currency
                   && Amounts.TryParseMajor(amount.GetProperty("value").GetString(), currency, out var confirmed) && confirmed == amountMinor
                ? Confirmation.Confirmed
                : Confirmation.Contradicted;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or OperationCanceledException or ExecutionRejectedException
                                      && !ct.IsCancellationRequested)
        {
            return Confirmation.Unavailable;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Confirmation.Unavailable;
        }
    }
}
