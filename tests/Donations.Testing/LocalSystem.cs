using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;

namespace Donations.Testing;

/// <summary>
/// The three services as real processes against the machine's PostgreSQL and RabbitMQ (infra/up.sh), in schemas
/// and a RabbitMQ virtual host of their own that are removed again on dispose, and the people's web app in front of them.
/// </summary>
public sealed class LocalSystem : IAsyncDisposable
{
    public const string AdminKey = "local-admin-key-0123456789";

    public static readonly string Postgres = Environment.GetEnvironmentVariable("DONATIONS_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Database=donations;Username=donations;Password=donations";
    public static readonly string RabbitHost = Environment.GetEnvironmentVariable("DONATIONS_TEST_RABBITMQ_HOST") ?? "127.0.0.1";
    public static readonly int RabbitPort = int.Parse(Environment.GetEnvironmentVariable("DONATIONS_TEST_RABBITMQ_PORT") ?? "5672");

    /// <summary>RabbitMQ's management API (with a cluster, any node's: virtual hosts and users are cluster-wide).</summary>
    public static readonly Uri RabbitManagement = new($"http://{RabbitHost}:{Environment.GetEnvironmentVariable("DONATIONS_TEST_RABBITMQ_MANAGEMENT_PORT") ?? "15672"}/api/");

    /// <summary>A client of RabbitMQ's management API, as the broker's default guest user.</summary>
    public static HttpClient RabbitManagementClient()
    {
        var http = new HttpClient { BaseAddress = RabbitManagement, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return http;
    }

    private readonly HttpClient _management = RabbitManagementClient();
    private readonly List<ServiceProcess> _services = [];

    public string Run { get; } = $"run{DateTime.UtcNow:MMddHHmmss}{Random.Shared.Next(1000, 9999)}";
    public string LogDirectory { get; }
    public ServiceProcess Ingestion => Instances("Ingestion")[0];
    public ServiceProcess Attribution => Instances("Attribution")[0];
    public ServiceProcess Reporting => Instances("Reporting")[0];
    /// <summary>The people's web app: the built app and <c>/api</c> passed on to the first instance of each service.</summary>
    public ServiceProcess Web => Instances("Web")[0];

    /// <summary>Every running instance of a service, in start order.</summary>
    public IReadOnlyList<ServiceProcess> Instances(string name) => _services.Where(s => s.Name == name).ToList();

    private LocalSystem(string logDirectory) => LogDirectory = Path.Combine(logDirectory, Run);

    /// <summary>
    /// Starts all three and waits until each reports ready. <paramref name="environment"/> is added to every service's;
    /// <paramref name="postgres"/> is the connection string the services use (the machine's PostgreSQL by default);
    /// <paramref name="instances"/> of each service share the schemas and the virtual host, as replicas do. Without
    /// <paramref name="abuseLimits"/> the rate limits are off: tests and benchmarks send everything from one loopback
    /// address, far beyond what one client may; the limits have tests and a benchmark of their own.
    /// </summary>
    public static async Task<LocalSystem> StartAsync(
        string logDirectory, IReadOnlyDictionary<string, string>? environment = null, string? postgres = null, int instances = 1, bool abuseLimits = false)
    {
        var system = new LocalSystem(logDirectory);
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        if (!abuseLimits)
            foreach (var limit in new[] { "RateLimits__RedirectsPerClient", "RateLimits__RedirectsPerLink", "RateLimits__WebhooksPerProvider" })
                env.TryAdd(limit, "0");
        env.TryAdd("Donations__KeyRingCertificate", system.KeyRingCertificate());
        await system.StartServicesAsync(env, postgres ?? Postgres, instances);
        return system;
    }

    /// <summary>The key ring encrypted as an operator's would be: with a certificate of the run's own, in a file outside the database.</summary>
    private string KeyRingCertificate()
    {
        Directory.CreateDirectory(LogDirectory);
        var path = Path.Combine(LogDirectory, "keyring.pfx");
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=donations-{Run}-key-ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        return path;
    }

    private async Task StartServicesAsync(IReadOnlyDictionary<string, string> environment, string postgres, int instances)
    {
        (await _management.PutAsync($"vhosts/{Run}", null)).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"permissions/{Run}/guest", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();

        var names = new[] { "Ingestion", "Attribution", "Reporting" };
        var ports = names.ToDictionary(n => n, _ => Enumerable.Range(0, instances).Select(_ => FreePort()).ToArray());
        foreach (var name in names)
        {
            var env = new Dictionary<string, string>(environment)
            {
                ["ConnectionStrings__postgres"] = postgres,
                ["ConnectionStrings__rabbitmq"] = $"amqp://guest:guest@{RabbitHost}:{RabbitPort}/{Run}",
                ["Marten__Schema"] = $"{name.ToLowerInvariant()}_{Run}",
                ["DONATIONS_ADMIN_KEY"] = AdminKey,
            };
            // Key changes wait until the other services applied them; one instance of each answers for its schema.
            if (name == "Ingestion") env.TryAdd("Donations__Peers", $"http://127.0.0.1:{ports["Attribution"][0]},http://127.0.0.1:{ports["Reporting"][0]}");
            for (var i = 0; i < instances; i++)
                _services.Add(ServiceProcess.Start(name, ports[name][i], env, LogDirectory, instances == 1 ? "" : $"-{i + 1}"));
        }
        var web = new Dictionary<string, string>(environment);
        foreach (var name in names)
            web[$"ReverseProxy__Clusters__{name.ToLowerInvariant()}__Destinations__main__Address"] = $"http://127.0.0.1:{ports[name][0]}";
        _services.Add(ServiceProcess.Start("Web", FreePort(), web, LogDirectory));
        foreach (var service in _services) await WaitUntilReadyAsync(service);
    }

    /// <summary>Kills an instance with SIGKILL, starts it again on the same port and waits until it is ready.</summary>
    public async Task<ServiceProcess> KillAndRestartAsync(ServiceProcess service, TimeSpan down)
    {
        await service.KillAsync();
        await Task.Delay(down);
        var restarted = await service.RestartAsync();
        _services[_services.IndexOf(service)] = restarted;
        await WaitUntilReadyAsync(restarted);
        return restarted;
    }

    public HttpClient Client(ServiceProcess service, string? key = null, int connections = 16)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = connections };
        var client = new HttpClient(handler) { BaseAddress = service.BaseAddress };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static async Task WaitUntilReadyAsync(ServiceProcess service)
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
