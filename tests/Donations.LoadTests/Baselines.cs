using Donations.Testing;
using Npgsql;

namespace Donations.LoadTests;

/// <summary>What the machine does without us: the raw rates our numbers are compared with.</summary>
public static class Baselines
{
    /// <summary>One row per transaction from 8 clients: the naive ceiling of a webhook that commits alone.</summary>
    public static async Task<Result> OneRowPerTransactionAsync(TimeSpan duration)
    {
        var table = $"baseline_{Guid.NewGuid():N}";
        await using (var setup = new NpgsqlConnection(LocalSystem.Postgres))
        {
            await setup.OpenAsync();
            await new NpgsqlCommand($"CREATE TABLE {table} (id uuid PRIMARY KEY, body jsonb NOT NULL)", setup).ExecuteNonQueryAsync();
        }
        var connections = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var c = new NpgsqlConnection(LocalSystem.Postgres);
            await c.OpenAsync();
            return c;
        }));
        try
        {
            return await Measure.ConcurrentlyAsync("raw insert, 1 row/tx, 8 clients", 8, duration, async (client, _) =>
            {
                await using var insert = new NpgsqlCommand($"INSERT INTO {table} VALUES ($1, $2::jsonb)", connections[client]);
                insert.Parameters.AddWithValue(Guid.NewGuid());
                insert.Parameters.AddWithValue("{\"amountMinor\":15000,\"currency\":\"RUB\"}");
                return await insert.ExecuteNonQueryAsync() == 1; // autocommit: one transaction per row
            });
        }
        finally
        {
            await using var drop = new NpgsqlCommand($"DROP TABLE {table}", connections[0]);
            await drop.ExecuteNonQueryAsync();
            foreach (var c in connections) await c.DisposeAsync();
        }
    }
}
