using Donations.ServiceDefaults.Messaging;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Donations.ServiceDefaults.Health;

/// <summary>How many committed events have not yet been confirmed by RabbitMQ.</summary>
internal sealed class ForwardingLagHealthCheck(IDocumentStore store) : IHealthCheck
{
    /// <summary>Beyond this many events behind, the instance reports itself degraded.</summary>
    public const long DegradedLag = 5_000;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var progress = await ForwardingProgress.ReadAsync(store, ct);
            if (progress.Forwarded is not { } forwarded)
                return HealthCheckResult.Healthy("No event has been forwarded yet.", new Dictionary<string, object> { ["highWaterMark"] = progress.HighWaterMark });

            var lag = progress.Lag;
            var data = new Dictionary<string, object> { ["lagEvents"] = lag, ["forwardedThrough"] = forwarded };
            return lag > DegradedLag
                ? HealthCheckResult.Degraded($"{lag} events wait to be forwarded to RabbitMQ.", data: data)
                : HealthCheckResult.Healthy($"{lag} events wait to be forwarded.", data);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Event forwarding progress cannot be read.", e);
        }
    }
}
