using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace Donations.EndToEndTests;

/// <summary>
/// A local receiver of our outgoing webhooks, as an NGO's server would be: each path answers from its script (a status
/// code, or <see cref="Silence"/> — no answer for longer than the sender waits), then <see cref="Then"/>; it records every
/// request and checks its signature with the StandardWebhooks package, an implementation independent of ours.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const int Silence = -1;

    public sealed record Received(string Path, string WebhookId, JsonObject Body, bool Verified, int Answered, DateTimeOffset At)
    {
        public string Type => Body["type"]!.GetValue<string>();
        public JsonNode Data => Body["data"]!;
    }

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _scripts = new();
    private readonly ConcurrentDictionary<string, int> _then = new();
    private readonly ConcurrentDictionary<string, string> _secrets = new();
    public ConcurrentQueue<Received> Requests { get; } = new();
    public Uri BaseAddress { get; }

    private WebhookReceiver(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = Donations.Testing.LocalSystem.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new Uri($"http://127.0.0.1:{port}/"));
        app.MapPost("/hooks/{name}", (string name, HttpRequest request) => receiver.AnswerAsync(name, request));
        await app.StartAsync();
        return receiver;
    }

    public string Url(string name) => new Uri(BaseAddress, $"hooks/{name}").ToString();

    /// <summary>The secret the path's signatures are checked with, its answers in order, and what it answers after them.</summary>
    public void Expect(string name, string secret, int then = 200, params int[] script)
    {
        _secrets[name] = secret;
        _scripts[name] = new ConcurrentQueue<int>(script);
        _then[name] = then;
    }

    public void Then(string name, int status) => _then[name] = status;

    public IReadOnlyList<Received> At(string name) => Requests.Where(r => r.Path == name).ToList();

    private async Task<IResult> AnswerAsync(string name, HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var verified = false;
        if (_secrets.TryGetValue(name, out var secret))
        {
            try
            {
                new StandardWebhook(secret).Verify(body, request.Headers);
                verified = true;
            }
            catch (Exception)
            {
                // Recorded as not verified; the test says what that means.
            }
        }
        var answer = _scripts.TryGetValue(name, out var script) && script.TryDequeue(out var next) ? next : _then.GetValueOrDefault(name, 200);
        Requests.Enqueue(new Received(name, request.Headers["webhook-id"].ToString(), JsonNode.Parse(body)!.AsObject(), verified, answer, DateTimeOffset.UtcNow));
        if (answer == Silence)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return Results.Ok();
        }
        return Results.StatusCode(answer);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
