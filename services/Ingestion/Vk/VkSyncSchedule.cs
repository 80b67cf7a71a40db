using Donations.ServiceDefaults.Storage;
using Marten;
using Microsoft.Extensions.Options;

namespace Donations.Ingestion.Vk;

/// <summary>Syncs every connected community every <see cref="VkOptions.SyncMinutes"/>, on one replica at a time.</summary>
public sealed class VkSyncSchedule(IDocumentStore store, VkSync sync, Leadership leadership, IOptions<VkOptions> options, ILogger<VkSyncSchedule> log)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        leadership.RunAsLeaderAsync("vk-sync", SyncEveryoneAsync, _ => { }, stoppingToken);

    private async Task SyncEveryoneAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Max(1, options.Value.SyncMinutes)));
        while (await timer.WaitForNextTickAsync(ct))
        {
            IReadOnlyList<string> ngos;
            try
            {
                await using var session = store.QuerySession();
                ngos = await session.Query<VkConnection>().Select(c => c.Id).ToListAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "The VK connections could not be read; the sync is tried again next time");
                continue;
            }
            foreach (var ngo in ngos)
            {
                try
                {
                    await sync.SyncAsync(ngo, ct);
                }
                catch (Exception e) when (e is VkApiException or VkUnavailableException)
                {
                    // Counted and kept on the connection by VkSync; the other communities still sync.
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "The VK sync of NGO {Ngo} could not run", ngo);
                }
            }
        }
    }
}
