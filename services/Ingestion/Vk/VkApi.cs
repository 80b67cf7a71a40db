using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Donations.Ingestion.Vk;

public sealed class VkOptions
{
    public string ApiBaseUrl { get; set; } = "https://api.vk.com";

    /// <summary>VK Ads' API (<c>ads.*</c> methods); from <c>VkAds:ApiBaseUrl</c>, VK's own by default.</summary>
    public string AdsApiBaseUrl { get; set; } = "https://api.vk.com";

    /// <summary>How often every connected community is synced.</summary>
    public int SyncMinutes { get; set; } = 15;

    /// <summary>First back-off of a retried call (errors 6 and 10, VK unreachable); it doubles each attempt.</summary>
    public int RetryDelayMilliseconds { get; set; } = 400;

    public int MaxRetryAttempts { get; set; } = 4;
}

/// <summary>VK answered with <c>{"error": {"error_code", "error_msg"}}</c>.</summary>
public sealed class VkApiException(string method, int code, string vkMessage)
    : Exception($"VK {method} answered error {code}: {vkMessage}")
{
    public const int TooManyRequests = 6;
    public const int Internal = 10;
    public const int Authorization = 5;
    public const int AccessDenied = 15;
    public const int PrivateStats = 30;
    public const int BadParameter = 100;

    public string Method { get; } = method;
    public int Code { get; } = code;
    public string VkMessage { get; } = vkMessage;
    public bool Transient => Code is TooManyRequests or Internal;
}

/// <summary>VK could not be reached, or answered something other than its API's JSON (an error page, a timeout).</summary>
public sealed class VkUnavailableException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}

/// <summary>
/// The one way Ingestion calls VK: <c>{ApiBaseUrl}/method/{name}</c>, v=5.199, the token in the form body (never in a
/// URL that could be logged). At most 3 calls a second per token (VK's own limit), shared by every caller in this
/// process; errors 6 and 10 and VK being unreachable are retried with exponential back-off, every other error is thrown
/// for the caller to turn into what the person should fix.
/// </summary>
public sealed class VkApi
{
    public const string Version = "5.199";
    private const string AdsClient = "VkAds";

    private readonly IHttpClientFactory _http;
    private readonly ResiliencePipeline _pipeline;
    private readonly PartitionedRateLimiter<string> _perToken = PartitionedRateLimiter.Create<string, string>(token =>
        RateLimitPartition.GetSlidingWindowLimiter(token, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = 3, Window = TimeSpan.FromSeconds(1), SegmentsPerWindow = 10, QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst, AutoReplenishment = true,
        }));

    public VkApi(IHttpClientFactory http, IOptions<VkOptions> options)
    {
        _http = http;
        _pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<VkApiException>(e => e.Transient)
                .Handle<VkUnavailableException>(e => e.Transient),
            MaxRetryAttempts = options.Value.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(options.Value.RetryDelayMilliseconds),
        }).Build();
    }

    /// <summary>Calls <paramref name="method"/> and returns its <c>response</c>.</summary>
    public async Task<JsonElement> CallAsync(string method, IReadOnlyDictionary<string, string> parameters, string token, CancellationToken ct) =>
        await _pipeline.ExecuteAsync(async attempt => await OnceAsync(method, parameters, token, attempt), ct);

    private async Task<JsonElement> OnceAsync(string method, IReadOnlyDictionary<string, string> parameters, string token, CancellationToken ct)
    {
        var client = method.StartsWith("ads.", StringComparison.Ordinal) ? AdsClient : nameof(VkApi);
        // The partition key is a hash: the limiter's table never holds a token in clear.
        using var lease = await _perToken.AcquireAsync(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))), 1, ct);
        if (!lease.IsAcquired) throw new VkUnavailableException("Too many VK calls are waiting for this token.", transient: true);

        var form = new Dictionary<string, string>(parameters) { ["access_token"] = token, ["v"] = Version };
        HttpResponseMessage response;
        try
        {
            response = await _http.CreateClient(client).PostAsync($"method/{method}", new FormUrlEncodedContent(form), ct);
        }
        catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new VkUnavailableException($"VK could not be reached ({e.GetType().Name}).", transient: true, e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var retryable = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
            JsonElement root;
            try
            {
                root = JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new VkUnavailableException($"VK answered {method} with HTTP {(int)response.StatusCode} and no API answer (an error page).", retryable);
            }
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("error_code", out var c) && c.TryGetInt32(out var n) ? n : 0;
                var message = error.TryGetProperty("error_msg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "no message";
                throw new VkApiException(method, code, message);
            }
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("response", out var answer)) return answer;
            throw new VkUnavailableException($"VK answered {method} with HTTP {(int)response.StatusCode} and neither 'response' nor 'error'.", retryable);
        }
    }

    public static void Register(IHostApplicationBuilder builder)
    {
        builder.Services.Configure<VkOptions>(builder.Configuration.GetSection("Vk"));
        builder.Services.PostConfigure<VkOptions>(o => o.AdsApiBaseUrl = builder.Configuration["VkAds:ApiBaseUrl"] ?? o.ApiBaseUrl);
        AddTo(builder.Services);
    }

    /// <summary>One instance per process, so the per-token limit holds across every caller.</summary>
    public static void AddTo(IServiceCollection services)
    {
        services.AddHttpClient(nameof(VkApi), (sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<VkOptions>>().Value.ApiBaseUrl.TrimEnd('/') + "/");
            http.Timeout = TimeSpan.FromSeconds(10);
        });
        services.AddHttpClient(AdsClient, (sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<VkOptions>>().Value.AdsApiBaseUrl.TrimEnd('/') + "/");
            http.Timeout = TimeSpan.FromSeconds(10);
        });
        services.AddSingleton<VkApi>();
    }
}
