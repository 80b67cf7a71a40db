using System.Diagnostics.Metrics;
using Donations.ServiceDefaults.Telemetry;
using Marten;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Donations.ServiceDefaults.Messaging;

/// <summary>
/// Restarts this instance's event daemon when the forwarder has events to send but has not moved for
/// <see cref="StuckAfter"/>. Seen in the fault suite: with two instances, a PostgreSQL restart dropped the leader's
/// advisory lock, both instances briefly ran the forwarder, the progress write of one failed as "out of order" and
/// Marten stopped the subscription on both — nothing was forwarded until a restart. Pausing and resuming the daemon
/// gives up leadership and elects again; whoever wins resumes from the last confirmed event (consumers are
/// idempotent, so a page sent twice changes nothing). During a broker outage the forwarder is stuck too; a restart
/// then changes nothing, and the publishes keep being retried.
/// </summary>
internal sealed class ForwardingWatchdog(IDocumentStore store, IProjectionCoordinator coordinator, ILogger<ForwardingWatchdog> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(60);

    // Events committed but not yet confirmed by RabbitMQ, as last read; -1 (nothing reported) while it cannot be read.
    private static long _pending = -1;
    private static readonly ObservableGauge<long> Pending = DonationsTelemetry.Meter.CreateObservableGauge(
        "donations.forwarder.pending", () => Volatile.Read(ref _pending) is >= 0 and var p ? [new Measurement<long>(p)] : Array.Empty<Measurement<long>>(),
        "{event}", "Events committed and not yet confirmed by RabbitMQ");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long? lastForwarded = null;
        DateTime? stuckSince = null;
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var progress = await ForwardingProgress.ReadAsync(store, stoppingToken);
                Volatile.Write(ref _pending, progress.Lag);
                var moved = progress.Forwarded != lastForwarded;
                lastForwarded = progress.Forwarded;
                if (progress.Lag == 0 || moved)
                {
                    stuckSince = null;
                    continue;
                }
                stuckSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - stuckSince < StuckAfter) continue;

                log.LogWarning("The event forwarder has not moved for {Seconds:N0} s at {Forwarded} with {Lag} events waiting; restarting the event daemon",
                    (DateTime.UtcNow - stuckSince.Value).TotalSeconds, progress.Forwarded, progress.Lag);
                await coordinator.PauseAsync();
                await coordinator.ResumeAsync();
                stuckSince = null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Volatile.Write(ref _pending, -1);
                log.LogWarning(e, "The event forwarder's progress could not be checked");
            }
        }
    }
}
