using Donations.Attribution.Ledger;
using Donations.Contracts.Attribution;
using Donations.ServiceDefaults.Storage;
using Donations.ServiceDefaults.Telemetry;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Donations.Attribution.Settings;

/// <summary>
/// Replays each NGO's donations through its new settings, oldest first, a batch per transaction, while new donations
/// keep flowing through the consumers. One NGO never waits for another: each job steps on its own. A batch that fails
/// is retried donation by donation, so a collision with a consumer costs one retry; a donation that fails alone
/// <see cref="AttemptsBeforeSetAside"/> times is set aside with its error (the job's progress lists it, the
/// <c>reattribution</c> health check and the <c>donations.reattribution.set_aside</c> gauge count it) and the replay
/// goes on without it. A later settings change tries it again. One replica replays at a time (<see cref="Leadership"/>).
/// </summary>
public sealed class Reattributor(IServiceScopeFactory scopes, Leadership leadership, LedgerWriter writer, TimeProvider clock, ILogger<Reattributor> log) : BackgroundService, IHealthCheck
{
    public const int BatchSize = 100;
    public const int AttemptsBeforeSetAside = 3;
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<Guid, int> _attempts = [];
    private long? _setAside;
    private volatile bool _leading;

    protected override Task ExecuteAsync(CancellationToken ct)
    {
        DonationsTelemetry.Meter.CreateObservableGauge("donations.reattribution.set_aside", () => _setAside ?? 0, "{donation}",
            "Donations that could not be re-attributed under their NGO's current settings and wait for a person");
        return leadership.RunAsLeaderAsync("reattribution", ReplayAsync, leading =>
        {
            _leading = leading;
            if (!leading) _setAside = null;
        }, ct);
    }

    private async Task ReplayAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var worked = false;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var session = scope.ServiceProvider.GetRequiredService<IQuerySession>();
                var jobs = await session.Query<Reattribution>().Where(j => j.FinishedAt == null).ToListAsync(ct);
                foreach (var job in jobs)
                {
                    try
                    {
                        worked |= await StepAsync(job, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        log.LogWarning(e, "Re-attribution of {Ngo} could not step; it is tried again", job.Id);
                    }
                }
                _setAside = await session.Query<SetAsideDonation>().CountAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Re-attribution could not read its jobs; it is tried again");
            }
            if (!worked) await Task.Delay(Idle, ct);
        }
    }

    /// <summary>One batch of one NGO's replay; true when there was work.</summary>
    private async Task<bool> StepAsync(Reattribution job, CancellationToken ct)
    {
        IReadOnlyList<DonationIndex> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
            var setAside = (await session.Query<SetAsideDonation>().Where(s => s.NgoId == job.Id && s.SettingsVersion == job.SettingsVersion)
                .Select(s => s.Id).ToListAsync(ct)).ToHashSet();
            due = (await session.Query<DonationIndex>()
                    .Where(d => d.NgoId == job.Id && d.SettingsVersion < job.SettingsVersion)
                    .OrderBy(d => d.OccurredAt)
                    .Take(BatchSize + setAside.Count)
                    .ToListAsync(ct))
                .Where(d => !setAside.Contains(d.Id)).Take(BatchSize).ToList();
            if (due.Count == 0)
            {
                session.Store(job with { FinishedAt = clock.GetUtcNow() });
                await session.SaveChangesAsync(ct);
                log.LogInformation("Re-attributed {Total} donations of {Ngo} under settings version {Version}, {SetAside} set aside",
                    job.Total, job.Id, job.SettingsVersion, setAside.Count);
                return false;
            }
        }

        try
        {
            await ReviseAsync(due, job, ct);
            foreach (var index in due) _attempts.Remove(index.Id);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogDebug(e, "A re-attribution batch of {Ngo} failed; its donations are tried one by one", job.Id);
        }
        foreach (var index in due)
        {
            try
            {
                await ReviseAsync([index], job, ct);
                _attempts.Remove(index.Id);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var attempts = _attempts[index.Id] = _attempts.GetValueOrDefault(index.Id) + 1;
                if (attempts < AttemptsBeforeSetAside) continue;
                _attempts.Remove(index.Id);
                await SetAsideAsync(index, job, e, ct);
            }
        }
        return true;
    }

    /// <summary>Decides the donations again under the job's settings, in one transaction, while no page is being written here.</summary>
    private Task ReviseAsync(IReadOnlyList<DonationIndex> due, Reattribution job, CancellationToken ct) =>
        writer.ExclusiveAsync(() => ReviseAloneAsync(due, job, ct), ct);

    private async Task ReviseAloneAsync(IReadOnlyList<DonationIndex> due, Reattribution job, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
        var attributor = scope.ServiceProvider.GetRequiredService<Attributor>();
        foreach (var index in due)
        {
            var ledger = await attributor.LoadAsync(index.Id, ct);
            if (ledger.Donation is null) throw new InvalidOperationException($"The ledger of donation {index.Id} holds no received donation.");
            if (await attributor.ReviseAsync(ledger, Causes.SettingsChanged, ct) is { } revision) attributor.Append(ledger, revision);
            else session.Store(index with { SettingsVersion = job.SettingsVersion });
        }
        await attributor.SaveAsync(ct);
    }

    private async Task SetAsideAsync(DonationIndex index, Reattribution job, Exception error, CancellationToken ct)
    {
        log.LogError(error, "Donation {Donation} of {Ngo} could not be re-attributed under settings version {Version} after {Attempts} attempts; it is set aside",
            index.Id, job.Id, job.SettingsVersion, AttemptsBeforeSetAside);
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
        var message = $"{error.GetType().Name}: {error.Message}";
        session.Store(new SetAsideDonation(index.Id, job.Id, job.SettingsVersion, message[..Math.Min(message.Length, 500)], clock.GetUtcNow()));
        await session.SaveChangesAsync(ct);
    }

    private Dictionary<string, object> Leader() => new() { ["leader"] = _leading };

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(_setAside switch
        {
            null => HealthCheckResult.Healthy(_leading ? "Not checked yet." : "Another replica replays.", Leader()),
            0 => HealthCheckResult.Healthy("Every re-attribution is going through.", Leader()),
            var n => HealthCheckResult.Degraded($"{n} donations could not be re-attributed and wait for a person; their NGOs' attribution-settings progress lists them.", data: Leader()),
        });
}
