using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using MassTransit;
using Npgsql;

namespace Donations.EndToEndTests;

/// <summary>
/// The whole system for one test run: the three services as processes against the real PostgreSQL and RabbitMQ,
/// in schemas and a RabbitMQ virtual host of their own, removed again at the end.
/// </summary>
public sealed class DonationsSystem : IAsyncLifetime
{
    public const string AdminKey = "e2e-admin-key-0123456789";

    private static readonly string Postgres = Environment.GetEnvironmentVariable("DONATIONS_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Database=donations;Username=donations;Password=donations";
    private static readonly string RabbitHost = Environment.GetEnvironmentVariable("DONATIONS_TEST_RABBITMQ_HOST") ?? "127.0.0.1";
    private static readonly Uri RabbitManagement = new($"http://{RabbitHost}:15672/api/");

    private readonly string _run = $"e2e{DateTime.UtcNow:MMddHHmmss}{Random.Shared.Next(1000, 9999)}";
    private readonly List<ServiceProcess> _services = [];
    private readonly HttpClient _management = new() { BaseAddress = RabbitManagement };
    private IBusControl? _broker;

    public FakeYooKassa YooKassa { get; private set; } = null!;
    public ServiceProcess Ingestion => _services[0];
    public ServiceProcess Attribution => _services[1];
    public ServiceProcess Reporting => _services[2];
    public string LogDirectory => Path.Combine(AppContext.BaseDirectory, "logs", _run);

    public async Task InitializeAsync()
    {
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        (await _management.PutAsync($"vhosts/{_run}", null)).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"permissions/{_run}/guest", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        YooKassa = await FakeYooKassa.StartAsync(FreePort());

        foreach (var name in new[] { "Ingestion", "Attribution", "Reporting" })
        {
            _services.Add(ServiceProcess.Start(name, FreePort(), new Dictionary<string, string>
            {
                ["ConnectionStrings__postgres"] = Postgres,
                ["ConnectionStrings__rabbitmq"] = $"amqp://guest:guest@{RabbitHost}:5672/{_run}",
                ["Marten__Schema"] = $"{name.ToLowerInvariant()}_{_run}",
                ["DONATIONS_ADMIN_KEY"] = AdminKey,
                ["Donations__YooKassaApiUrl"] = YooKassa.BaseAddress.ToString(),
            }, LogDirectory));
        }
        foreach (var service in _services) await WaitUntilReadyAsync(service);
    }

    /// <summary>
    /// Publishes a contract message into the run's RabbitMQ as a service's forwarder would, with the message id it
    /// is given: for tests that need an order or a redelivery the real producers would not make on cue.
    /// </summary>
    public async Task PublishAsync<T>(T message, Guid messageId) where T : class
    {
        if (_broker is null)
        {
            _broker = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(RabbitHost, _run, host =>
            {
                host.Username("guest");
                host.Password("guest");
            }));
            await _broker.StartAsync();
        }
        await _broker.Publish(message, context => context.MessageId = messageId);
    }

    public HttpClient Client(ServiceProcess service, string? key = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = service.BaseAddress };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task WaitUntilReadyAsync(ServiceProcess service)
    {
        using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (service.HasExited) break;
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{service.Name} did not become ready; see {service.LogPath}:\n{File.ReadAllText(service.LogPath)}");
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null) await _broker.StopAsync();
        foreach (var service in _services) await service.DisposeAsync();
        await YooKassa.DisposeAsync();
        await _management.DeleteAsync($"vhosts/{_run}");
        _management.Dispose();
        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        foreach (var name in new[] { "ingestion", "attribution", "reporting" })
        {
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {name}_{_run} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<DonationsSystem>
{
    public const string Name = "system";
}
