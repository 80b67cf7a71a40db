using Donations.Attribution.Ledger;
using Donations.Contracts.Attribution;
using Marten;

namespace Donations.Attribution.Settings;

/// <summary>
/// Replays an NGO's donations through its new settings, oldest first, a batch per transaction, while new
/// donations keep flowing through the consumers. A batch that collides with a consumer writing the same
/// donation is simply tried again on the next pass.
/// </summary>
public sealed class Reattributor(IServiceScopeFactory scopes, ILogger<Reattributor> log) : BackgroundService
{
    public const int BatchSize = 100;
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var worked = false;
            try
            {
                worked = await PassAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Re-attribution pass failed; it will be retried");
            }
            if (!worked) await Task.Delay(Idle, ct);
        }
    }

    /// <summary>One batch of every unfinished replay; true when there was work.</summary>
    private async Task<bool> PassAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
        var jobs = await session.Query<Reattribution>().Where(j => j.FinishedAt == null).ToListAsync(ct);
        var worked = false;
        foreach (var job in jobs)
        {
            await using var batchScope = scopes.CreateAsyncScope();
            var batchSession = batchScope.ServiceProvider.GetRequiredService<IDocumentSession>();
            var attributor = batchScope.ServiceProvider.GetRequiredService<Attributor>();
            var due = await batchSession.Query<DonationIndex>()
                .Where(d => d.NgoId == job.Id && d.SettingsVersion < job.SettingsVersion)
                .OrderBy(d => d.OccurredAt)
                .Take(BatchSize)
                .ToListAsync(ct);
            if (due.Count == 0)
            {
                batchSession.Store(job with { FinishedAt = DateTimeOffset.UtcNow });
                await batchSession.SaveChangesAsync(ct);
                log.LogInformation("Re-attributed {Total} donations of {Ngo} under settings version {Version}", job.Total, job.Id, job.SettingsVersion);
                continue;
            }

            worked = true;
            foreach (var index in due)
            {
                var ledger = await attributor.LoadAsync(index.Id, ct);
                if (ledger.Donation is null) continue;
                if (await attributor.ReviseAsync(ledger, Causes.SettingsChanged, ct) is { } revision) attributor.Append(ledger, revision);
                else batchSession.Store(index with { SettingsVersion = job.SettingsVersion });
            }
            await batchSession.SaveChangesAsync(ct);
        }
        return worked;
    }
}
