using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Npgsql;

namespace Donations.Testing;

/// <summary>
/// The three services as real processes against the machine's PostgreSQL and RabbitMQ (infra/up.sh), in schemas
/// and a RabbitMQ virtual host of their own that are removed again on dispose.
/// </summary>
public sealed class LocalSystem : IAsyncDisposable
{
    public const string AdminKey = "local-admin-key-0123456789";

    public static readonly string Postgres = Environment.GetEnvironmentVariable("DONATIONS_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Database=donations;Username=donations;Password=donations";
    public static readonly string RabbitHost = Environment.GetEnvironmentVariable("DONATIONS_TEST_RABBITMQ_HOST") ?? "127.0.0.1";

    private readonly HttpClient _management = new() { BaseAddress = new Uri($"http://{RabbitHost}:15672/api/") };
    private readonly List<ServiceProcess> _services = [];

    public string Run { get; } = $"run{DateTime.UtcNow:MMddHHmmss}{Random.Shared.Next(1000, 9999)}";
    public string LogDirectory { get; }
    public ServiceProcess Ingestion => _services[0];
    public ServiceProcess Attribution => _services[1];
    public ServiceProcess Reporting => _services[2];

    private LocalSystem(string logDirectory) => LogDirectory = Path.Combine(logDirectory, Run);

    /// <summary>
    /// Starts all three and waits until each reports ready. <paramref name="environment"/> is added to every service's;
    /// <paramref name="postgres"/> is the connection string the services use (the machine's PostgreSQL by default).
    /// </summary>
    public static async Task<LocalSystem> StartAsync(string logDirectory, IReadOnlyDictionary<string, string>? environment = null, string? postgres = null)
    {
        var system = new LocalSystem(logDirectory);
        await system.StartServicesAsync(environment ?? new Dictionary<string, string>(), postgres ?? Postgres);
        return system;
    }

    private async Task StartServicesAsync(IReadOnlyDictionary<string, string> environment, string postgres)
    {
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        (await _management.PutAsync($"vhosts/{Run}", null)).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"permissions/{Run}/guest", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();

        foreach (var name in new[] { "Ingestion", "Attribution", "Reporting" })
        {
            var env = new Dictionary<string, string>(environment)
            {
                ["ConnectionStrings__postgres"] = postgres,
                ["ConnectionStrings__rabbitmq"] = $"amqp://guest:guest@{RabbitHost}:5672/{Run}",
                ["Marten__Schema"] = $"{name.ToLowerInvariant()}_{Run}",
                ["DONATIONS_ADMIN_KEY"] = AdminKey,
            };
            _services.Add(ServiceProcess.Start(name, FreePort(), env, LogDirectory));
        }
        foreach (var service in _services) await WaitUntilReadyAsync(service);
    }

    public HttpClient Client(ServiceProcess service, string? key = null, int connections = 16)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = connections };
        var client = new HttpClient(handler) { BaseAddress = service.BaseAddress };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task WaitUntilReadyAsync(ServiceProcess service)
    {
        using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !service.HasExited)
        {
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

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services) await service.DisposeAsync();
        await _management.DeleteAsync($"vhosts/{Run}");
        _management.Dispose();
        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        foreach (var name in new[] { "ingestion", "attribution", "reporting" })
        {
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {name}_{Run} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
