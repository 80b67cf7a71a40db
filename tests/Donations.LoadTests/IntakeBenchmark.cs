using Donations.Contracts.Ingestion;
using Donations.Ingestion.Storage;
using Donations.Ingestion.Webhooks;
using Donations.ServiceDefaults.Messaging;
using Donations.ServiceDefaults.Storage;
using Donations.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Donations.LoadTests;

/// <summary>
/// Ingestion's own DonationIntake, in-process, with no HTTP and no other service competing for the two cores:
/// what one transaction per payment costs against group commit, and nothing else.
/// </summary>
public static class IntakeBenchmark
{
    public static async Task<Result> RunAsync(bool grouped, int clients, TimeSpan duration)
    {
        var schema = $"bench_intake_{Guid.NewGuid():N}"[..24];
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:postgres"] = LocalSystem.Postgres;
        builder.Configuration["ConnectionStrings:rabbitmq"] = $"amqp://guest:guest@{LocalSystem.RabbitHost}:5672/";
        builder.Configuration["Marten:Schema"] = schema;
        builder.Configuration["Donations:GroupCommit"] = grouped ? "true" : "false";
        builder.AddIngestionStore();
        builder.AddDonationsMessaging(); // the forwarder needs a bus; the host is never started, so nothing is forwarded
        using var host = builder.Build(); // not started: no daemon, no forwarding, only the intake and its commits
        var services = host.Services;
        await services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var commits = services.GetRequiredService<GroupCommit>();
        await commits.StartAsync(CancellationToken.None);
        var intake = services.GetRequiredService<DonationIntake>();
        try
        {
            return await Measure.ConcurrentlyAsync($"intake in-process, {(grouped ? "group commit" : "one transaction per payment")}, {clients} callers", clients, duration,
                async (client, n) =>
                {
                    var tx = $"bench-{client}-{n}";
                    var donation = new DonationReceived("bench", DonationIntake.DonationId("bench", "generic", tx), "generic", tx, 150_00, "RUB",
                        DateTimeOffset.UtcNow, null, null, null, null, DateTimeOffset.UtcNow);
                    return (await intake.AcceptAsync(donation, CancellationToken.None)).Outcome == Intake.Accepted;
                });
        }
        finally
        {
            await commits.StopAsync(CancellationToken.None);
            await using var connection = new NpgsqlConnection(LocalSystem.Postgres);
            await connection.OpenAsync();
            await new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection).ExecuteNonQueryAsync();
        }
    }
}
