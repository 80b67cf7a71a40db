using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Donations.ServiceDefaults.Http;

/// <summary>Endpoint metadata: at most <see cref="Permits"/> requests per window from one client address.</summary>
public sealed record PerClientLimit(string Name, int Permits, string Rule);

/// <summary>
/// Abuse limits with ASP.NET Core's rate limiter. Each limit is a token bucket of <c>N</c> requests per
/// <see cref="WindowSetting"/> (one minute unless set): a burst of up to <c>N</c> passes at once, and the bucket refills
/// evenly over the window. Beyond it a request gets 429 with <c>Retry-After</c> and a problem saying which limit it hit,
/// before any of its work is done. A limit of 0 is off.
/// </summary>
public static class RateLimits
{
    public const string WindowSetting = "RateLimits:Window";
    private const string RuleItem = "donations.rate-limit.rule";

    public static TimeSpan Window(IConfiguration configuration) => configuration.GetValue(WindowSetting, TimeSpan.FromMinutes(1));

    /// <summary>"a minute", "an hour" or "per 90 s": the window in a limit's message.</summary>
    public static string Per(IConfiguration configuration) => Window(configuration) switch
    {
        var w when w == TimeSpan.FromMinutes(1) => "a minute",
        var w when w == TimeSpan.FromHours(1) => "an hour",
        var w => $"per {w.TotalSeconds:0} s",
    };

    /// <summary>The limiter itself, its 429 answer, and the per-client-address limit for endpoints that carry <see cref="PerClientLimit"/>.</summary>
    public static void AddRateLimits(this IHostApplicationBuilder builder)
    {
        var window = Window(builder.Configuration);
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.GetEndpoint()?.Metadata.GetMetadata<PerClientLimit>() is { Permits: > 0 } limit
                    ? Bucket(http, $"{limit.Name}:{ClientKey(http.Connection.RemoteIpAddress)}", limit.Permits, window, limit.Rule)
                    : RateLimitPartition.GetNoLimiter(""));
            options.OnRejected = async (context, _) =>
            {
                var http = context.HttpContext;
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : window;
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString();
                var rule = http.Items[RuleItem] as string ?? "this route's request limit";
                await Problems.Of(StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This exceeds {rule}; nothing was done. Retry after {seconds} s.").ExecuteAsync(http);
            };
        });
    }

    /// <summary>A named endpoint policy: a token bucket per key the request gives (null: the request is not limited).</summary>
    public static void AddKeyedLimit(this IHostApplicationBuilder builder, string policy, int permits, string rule, Func<HttpContext, string?> key)
    {
        var window = Window(builder.Configuration);
        builder.Services.Configure<RateLimiterOptions>(options => options.AddPolicy(policy, http =>
            permits > 0 && key(http) is { } k ? Bucket(http, $"{policy}:{k}", permits, window, rule) : RateLimitPartition.GetNoLimiter("")));
    }

    /// <summary>Limits the endpoint per client address (after <see cref="ProxyBoundary"/> has found the client).</summary>
    public static TBuilder LimitPerClient<TBuilder>(this TBuilder builder, PerClientLimit limit) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(limit);

    /// <summary>
    /// An IPv4 address, or an IPv6 address's /64: one household or phone gets a whole /64, so counting single IPv6
    /// addresses would let one client rotate through billions.
    /// </summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static RateLimitPartition<string> Bucket(HttpContext http, string key, int permits, TimeSpan window, string rule)
    {
        // The 429 answer names the limit that refused; the last limit consulted is the one that did.
        http.Items[RuleItem] = rule;
        // Refill in steps of at least a second (the partitioned limiter replenishes on a 100 ms timer).
        var period = TimeSpan.FromTicks(Math.Max(window.Ticks / permits, TimeSpan.TicksPerSecond));
        var perPeriod = (int)Math.Max(1, Math.Ceiling(permits * (double)period.Ticks / window.Ticks));
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = permits, TokensPerPeriod = perPeriod, ReplenishmentPeriod = period, QueueLimit = 0, AutoReplenishment = true,
        });
    }
}
