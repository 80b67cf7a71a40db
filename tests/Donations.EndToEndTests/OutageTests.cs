using System.Diagnostics;
using System.Net;
using Donations.Testing;
using Npgsql;

namespace Donations.EndToEndTests;

/// <summary>The whole system, reaching PostgreSQL through a proxy the tests can take away.</summary>
public sealed class OutageSystem : DonationsSystem
{
    public TcpProxy Proxy { get; }

    public OutageSystem()
    {
        var real = new NpgsqlConnectionStringBuilder(LocalSystem.Postgres);
        Proxy = new TcpProxy(real.Host!, real.Port);
    }

    protected override string Postgres => new NpgsqlConnectionStringBuilder(LocalSystem.Postgres) { Port = Proxy.Port }.ConnectionString;

    public override async Task DisposeAsync()
    {
        Proxy.Restore();
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class OutageCollection : ICollectionFixture<OutageSystem>
{
    public const string Name = "outage";
}

/// <summary>
/// While PostgreSQL is away, webhooks get a retryable 503 within a provider's 5-second timeout and nothing is
/// accepted; once it is back every service recovers by itself and the provider's redelivery is accepted once.
/// </summary>
[Collection(OutageCollection.Name)]
public class OutageTests(OutageSystem system)
{
    private static readonly TimeSpan ProviderTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task While_PostgreSQL_is_down_webhooks_get_503_fast_and_the_redelivery_after_it_is_counted_once() =>
        await OutageAsync(system.Proxy.Refuse, "down");

    [Fact]
    public async Task While_PostgreSQL_does_not_answer_webhooks_get_503_within_the_providers_timeout() =>
        await OutageAsync(system.Proxy.Blackhole, "silent");

    private async Task OutageAsync(Action cut, string name)
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-7001_1", "outage"));
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody($"tx-{name}-before", 100_00))).StatusCode);
        await ngo.DonationAsync($"tx-{name}-before");
        await ngo.ClickAsync(code);

        cut();
        try
        {
            foreach (var tx in new[] { $"tx-{name}-during", $"tx-{name}-never-resent" })
            {
                var clock = Stopwatch.StartNew();
                var response = await ngo.PostGenericAsync(Scenario.DonationBody(tx, 250_00));
                Assert.True(clock.Elapsed < ProviderTimeout, $"answered after {clock.Elapsed}");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.RetryAfter);
            }
            // A donor following a cached link still reaches the payment page, without a click id.
            var clicked = Stopwatch.StartNew();
            var redirect = await ngo.FollowAsync(code);
            Assert.True(clicked.Elapsed < ProviderTimeout, $"redirected after {clicked.Elapsed}");
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.DoesNotContain("click_id", redirect.Headers.Location!.Query);
        }
        finally
        {
            system.Proxy.Restore();
        }

        // The provider redelivers until it gets a 2xx; the first attempts may still meet connections the outage broke.
        HttpStatusCode status = default;
        await Eventually.Async(async () => (status = (await ngo.PostGenericAsync(Scenario.DonationBody($"tx-{name}-during", 250_00))).StatusCode) == HttpStatusCode.OK,
            "the redelivery is accepted once PostgreSQL is back");
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody($"tx-{name}-during", 250_00))).StatusCode); // a duplicate, acknowledged

        // Ingestion's forwarder, Attribution and Reporting resumed by themselves: the donation is reported, once.
        await ngo.DonationAsync($"tx-{name}-during");
        Assert.Single(await ngo.DonationsWithTxAsync($"tx-{name}-during"));
        await ngo.AssertNoDonationAsync("generic", $"tx-{name}-never-resent");
        Assert.Equal(100_00 + 250_00 + 1, (await ngo.RubSummaryAsync())!["netMinor"]!.GetValue<long>()); // with the check's 1-kopeck sentinel
        var followed = await ngo.FollowAsync(code);
        Assert.Contains("click_id", followed.Headers.Location!.Query);
    }
}
