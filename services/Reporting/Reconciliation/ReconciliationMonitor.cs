using Donations.ServiceDefaults.Health;
using Donations.ServiceDefaults.Storage;
using Donations.ServiceDefaults.Telemetry;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Donations.Reporting.Reconciliation;

/// <summary>
/// Reconciles every NGO every <see cref="ReconciliationOptions.IntervalSeconds"/> (<see cref="ReconciliationScan"/>: what changed, and every donation every six hours): the number of mismatched donations is
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
        var scan = new ReconciliationScan(options.Value);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds));
        do
        {
            try
            {
                // A full pass reads every donation: at a million, longer than a request's 30 s command timeout.
                await using var session = store.QuerySession(new Marten.Services.SessionOptions { Timeout = 600 });
                _mismatchedByNgo = await scan.RunAsync(session, stoppingToken);
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

/// <summary>
/// The monitor's passes: a full comparison of every donation at the start and every <see cref="ReconciliationOptions.FullPassMinutes"/>,
/// and in between only the donations either side stored since the last pass (less <see cref="Margin"/>, for a transaction
/// that committed after it began) and those pending last time — so its cost follows the traffic, not the size, even when
/// most of a large NGO's donations differ. A mismatch or a refund awaiting its payment changes only when a document of
/// its donation does; a pending difference also turns into a mismatch with time, so only those are looked at again.
/// </summary>
public sealed class ReconciliationScan(ReconciliationOptions options)
{
    /// <summary>Longer than any writer's transaction: a document stamped before the last pass began but committed after it is still seen.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    private Dictionary<Guid, DonationState> _differing = [];
    private DateTimeOffset? _lastPass, _lastFull;

    /// <summary>One pass; the mismatched donations per NGO.</summary>
    public async Task<IReadOnlyDictionary<string, int>> RunAsync(IQuerySession session, CancellationToken ct)
    {
        var now = (await session.AdvancedSql.QueryAsync<DateTimeOffset>("select now()", ct))[0];
        var full = _lastPass is null || now - _lastFull >= TimeSpan.FromMinutes(options.FullPassMinutes);
        var pending = full ? [] : _differing.Values.Where(d => d.State == "pending").Select(d => d.DonationId).ToList();
        var found = await ReconciliationQuery.DifferingAsync(session, options.GraceSeconds,
            full ? null : new ReconciliationQuery.Changes(_lastPass!.Value - Margin, pending), ct);
        if (full)
        {
            _differing = [];
            _lastFull = now;
        }
        else
            foreach (var id in pending) _differing.Remove(id); // looked at again: found again if still differing
        foreach (var state in found)
            if (state.State == "matched") _differing.Remove(state.DonationId);
            else _differing[state.DonationId] = state;
        _lastPass = now;
        return _differing.Values.Where(d => d.State == "mismatched").GroupBy(d => d.Ngo).ToDictionary(g => g.Key, g => g.Count());
    }
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
