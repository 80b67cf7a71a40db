using Donations.Testing;
using Npgsql;
using RabbitMQ.Client;

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

    /// <summary>
    /// Persistent messages to a durable queue, each publish waiting for the broker's confirm, from 8 publishers (a
    /// channel each): what one forwarded event costs the broker at least.
    /// </summary>
    public static async Task<Result> PersistentPublishWithConfirmsAsync(TimeSpan duration)
    {
        var queue = $"baseline-{Guid.NewGuid():N}";
        var factory = new ConnectionFactory { HostName = LocalSystem.RabbitHost, Port = LocalSystem.RabbitPort, UserName = "guest", Password = "guest" };
        await using var connection = await factory.CreateConnectionAsync();
        var channels = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true))));
        await channels[0].QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        var body = "{\"amountMinor\":15000,\"currency\":\"RUB\"}"u8.ToArray();
        try
        {
            return await Measure.ConcurrentlyAsync("RabbitMQ.Client persistent publish, confirmed, 8 publishers", 8, duration, async (client, _) =>
            {
                // With confirmation tracking the call returns once the broker has confirmed the message (or throws).
                await channels[client].BasicPublishAsync("", queue, mandatory: true, properties, body);
                return true;
            });
        }
        finally
        {
            await channels[0].QueueDeleteAsync(queue);
            foreach (var channel in channels) await channel.DisposeAsync();
        }
    }
}
