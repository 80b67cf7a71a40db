using Medallion.Threading.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Donations.ServiceDefaults.Storage;

/// <summary>
/// Work that one replica of a service does at a time (a monitor, a replay): whoever holds the PostgreSQL advisory
/// lock named for it, per service schema. The lock is a session lock on a connection of its own, so a replica that
/// dies or loses its database connection lets another take over.
/// </summary>
public sealed class Leadership(IConfiguration configuration, ILogger<Leadership> log)
{
    /// <summary>How often a replica that is not the leader asks again.</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    private readonly string _connectionString = configuration.Required("ConnectionStrings:postgres");
    private readonly string _scope = configuration["Marten:Schema"] ?? "";

    /// <summary>Runs <paramref name="work"/> whenever this replica holds the lock, until <paramref name="ct"/> ends; the work's token ends when the lock is lost.</summary>
    public async Task RunAsLeaderAsync(string name, Func<CancellationToken, Task> work, Action<bool> leading, CancellationToken ct)
    {
        var mutex = new PostgresDistributedLock(new PostgresAdvisoryLockKey($"donations/{_scope}/{name}", allowHashing: true), _connectionString,
            options => options.KeepaliveCadence(TimeSpan.FromSeconds(15)));
        while (!ct.IsCancellationRequested)
        {
            PostgresDistributedLockHandle? handle = null;
            try
            {
                handle = await mutex.TryAcquireAsync(TimeSpan.Zero, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("The {Name} leadership could not be asked for ({Error}); trying again", name, e.Message);
            }
            if (handle is null)
            {
                await Task.Delay(Retry, ct);
                continue;
            }
            using var held = CancellationTokenSource.CreateLinkedTokenSource(ct, handle.HandleLostToken);
            log.LogInformation("This replica leads {Name}", name);
            leading(true);
            try
            {
                await work(held.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                log.LogWarning("This replica lost the {Name} leadership", name);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "The {Name} work failed; the leadership is given up and asked for again", name);
            }
            finally
            {
                leading(false);
                try
                {
                    await handle.DisposeAsync();
                }
                catch (Exception e)
                {
                    // A lock on a dead connection is already released by PostgreSQL.
                    log.LogDebug(e, "The {Name} lock could not be released", name);
                }
            }
        }
    }
}
