using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Donations.EndToEndTests;

/// <summary>
/// A stand-in for YooKassa's payments API (a provider's server is outside our reach): it answers
/// <c>GET /v3/payments/{id}</c> for the payments a test tells it about, checks Basic auth, and can fail a given
/// number of times first.
/// </summary>
public sealed class FakeYooKassa : IAsyncDisposable
{
    public const string ShopId = "506751";
    public const string SecretKey = "test_secret_key_0123456789";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string Status, string Value, string Currency)> _payments = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();
    public ConcurrentDictionary<string, int> Requests { get; } = new();
    public Uri BaseAddress { get; }

    private FakeYooKassa(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public static async Task<FakeYooKassa> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeYooKassa(app, new Uri($"http://127.0.0.1:{port}/"));
        app.MapGet("/v3/payments/{id}", (string id, HttpRequest request) => fake.Answer(id, request));
        await app.StartAsync();
        return fake;
    }

    public void Knows(string paymentId, string value, string currency = "RUB", string status = "succeeded") => _payments[paymentId] = (status, value, currency);

    public void FailsFirst(string paymentId, int times) => _failuresLeft[paymentId] = times;

    private IResult Answer(string id, HttpRequest request)
    {
        Requests.AddOrUpdate(id, 1, (_, n) => n + 1);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ShopId}:{SecretKey}"));
        if (request.Headers.Authorization != expected) return Results.StatusCode((int)HttpStatusCode.Unauthorized);
        if (_failuresLeft.TryGetValue(id, out var left) && left > 0)
        {
            _failuresLeft[id] = left - 1;
            return Results.StatusCode((int)HttpStatusCode.InternalServerError);
        }
        return _payments.TryGetValue(id, out var p)
            ? Results.Json(new { id, status = p.Status, paid = p.Status == "succeeded", amount = new { value = p.Value, currency = p.Currency } })
            : Results.Json(new { type = "error", code = "not_found" }, statusCode: 404);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
