using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Donations.ServiceDefaults.Storage;

/// <summary>Creates or updates the service's schema at start, waiting for PostgreSQL if it is not up yet.</summary>
internal sealed class SchemaStartup(IDocumentStore store, ILogger<SchemaStartup> log) : IHostedService
{
    private static readonly ResiliencePipeline UntilDatabaseAnswers = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            MaxRetryAttempts = 60,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(5),
        })
        .Build();

    public async Task StartAsync(CancellationToken ct) =>
        await UntilDatabaseAnswers.ExecuteAsync(async token =>
        {
            try
            {
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("PostgreSQL is not ready yet ({Message}); retrying", e.Message);
                throw;
            }
        }, ct);

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
