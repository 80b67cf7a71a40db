using Donations.ServiceDefaults.Health;
using Donations.ServiceDefaults.Storage;
using Donations.ServiceDefaults.Telemetry;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Donations.Reporting.Reconciliation;

/// <summary>
/// Reconciles every NGO every <see cref="ReconciliationOptions.IntervalSeconds"/>: the number of mismatched donations is
/// the <c>donations.reconciliation.mismatched</c> gauge, and any mismatch makes the <c>reconciliation</c> health check
/// (on <c>/health</c>) degraded, naming the NGOs to the admin only. One replica reconciles at a time (<see cref="Leadership"/>).
/// </summary>
public sealed class ReconciliationMonitor(IDocumentStore store, Leadership leadership, IOptions<ReconciliationOptions> options, ILogger<ReconciliationMonitor> logger)
    : BackgroundService, IHealthCheck
{
    private volatile IReadOnlyDictionary<string, int>? _mismatchedByNgo;
    private volatile bool _leading;

    public long Mismatched => _mismatchedByNgo?.Values.Sum() ?? 0;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DonationsTelemetry.Meter.CreateObservableGauge("donations.reconciliation.mismatched", () => Mismatched, "{donation}",
            "Donations whose reported money differs from the money accepted, past the grace period");
        return leadership.RunAsLeaderAsync("reconciliation", ReconcileAsync, leading =>
        {
            _leading = leading;
            if (!leading) _mismatchedByNgo = null;
        }, stoppingToken);
    }

    private async Task ReconcileAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds));
        do
        {
            try
            {
                await using var session = store.QuerySession();
                var rows = await ReconciliationQuery.RowsAsync(session, null, options.Value.GraceSeconds, stoppingToken);
                _mismatchedByNgo = rows.Where(r => r.Mismatched > 0).GroupBy(r => r.Ngo).ToDictionary(g => g.Key, g => g.Sum(r => r.Mismatched));
                if (Mismatched > 0) logger.LogWarning("Reconciliation: {Mismatched} donations differ from what was accepted, NGOs {Ngos}", Mismatched, _mismatchedByNgo.Keys);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Reconciliation could not run; it is tried again in {Seconds} s", options.Value.IntervalSeconds);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(_mismatchedByNgo switch
        {
            null => HealthCheckResult.Healthy(_leading ? "Not reconciled yet." : "Another replica reconciles.", new Dictionary<string, object> { ["leader"] = _leading }),
            { Count: 0 } => HealthCheckResult.Healthy("Every accepted donation shows in the reports.", new Dictionary<string, object> { ["leader"] = true }),
            var byNgo => HealthCheckResult.Degraded($"{Mismatched} donations differ from the money accepted.",
                data: new Dictionary<string, object> { ["leader"] = true, [HealthData.ForAdmin] = byNgo.ToDictionary(p => p.Key, p => p.Value) }),
        });
}

public static class ReconciliationSetup
{
    public static void AddReconciliation(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ReconciliationOptions>(builder.Configuration.GetSection("Reconciliation"));
        builder.Services.AddSingleton<ReconciliationMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReconciliationMonitor>());
        builder.Services.AddHealthChecks().AddCheck<ReconciliationMonitor>("reconciliation");
    }
}
