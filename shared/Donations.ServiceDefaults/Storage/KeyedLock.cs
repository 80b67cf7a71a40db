namespace Donations.ServiceDefaults.Storage;

/// <summary>
/// One holder at a time per key, within this process; keys nobody holds or waits for take no memory. Used so that
/// concurrent deliveries of one payment are decided one after the other — the second then reads the first's commit
/// and answers "duplicate" — instead of colliding in PostgreSQL, where the loser's rollback fails a whole group
/// commit batch and leaves a gap in the event sequence that the forwarder has to wait out.
/// </summary>
public sealed class KeyedLock<TKey> where TKey : notnull
{
    private readonly Dictionary<TKey, (SemaphoreSlim Gate, int Users)> _gates = [];

    public async Task<IDisposable> AcquireAsync(TKey key, CancellationToken ct)
    {
        SemaphoreSlim gate;
        lock (_gates)
        {
            gate = _gates.TryGetValue(key, out var entry) ? entry.Gate : new SemaphoreSlim(1, 1);
            _gates[key] = (gate, entry.Users + 1);
        }
        try
        {
            await gate.WaitAsync(ct);
        }
        catch
        {
            Leave(key);
            throw;
        }
        return new Holder(this, key, gate);
    }

    private void Leave(TKey key)
    {
        lock (_gates)
        {
            var (gate, users) = _gates[key];
            if (users == 1)
            {
                _gates.Remove(key);
                gate.Dispose();
            }
            else _gates[key] = (gate, users - 1);
        }
    }

    private sealed class Holder(KeyedLock<TKey> owner, TKey key, SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            gate.Release();
            owner.Leave(key);
        }
    }
}
