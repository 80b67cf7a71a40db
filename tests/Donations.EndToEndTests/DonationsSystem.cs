using MassTransit;
using Donations.Testing;

namespace Donations.EndToEndTests;

/// <summary>
/// The whole system for one test run (<see cref="LocalSystem"/>), with a stand-in for YooKassa's API, a local receiver of
/// outgoing webhooks and a way to publish contract messages straight into the run's RabbitMQ.
/// </summary>
public class DonationsSystem : IAsyncLifetime
{
    public const string AdminKey = LocalSystem.AdminKey;

    private LocalSystem _system = null!;
    private IBusControl? _broker;
    private readonly SemaphoreSlim _brokerLock = new(1, 1);

    public FakeYooKassa YooKassa { get; private set; } = null!;
    public FakeVk Vk { get; private set; } = null!;
    public WebhookReceiver Receiver { get; private set; } = null!;
    public ServiceProcess Ingestion => _system.Ingestion;
    public ServiceProcess Attribution => _system.Attribution;
    public ServiceProcess Reporting => _system.Reporting;
    public ServiceProcess Web => _system.Web;

    /// <summary>The connection string the services get.</summary>
    protected virtual string Postgres => LocalSystem.Postgres;

    /// <summary>Settings a system for particular tests adds to every service's; with them the abuse limits are on (see <see cref="LocalSystem"/>).</summary>
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    public virtual async Task InitializeAsync()
    {
        YooKassa = await FakeYooKassa.StartAsync(LocalSystem.FreePort());
        Vk = await FakeVk.StartAsync(LocalSystem.FreePort());
        Receiver = await WebhookReceiver.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["Donations__YooKassaApiUrl"] = YooKassa.BaseAddress.ToString(),
            ["Vk__ApiBaseUrl"] = Vk.BaseAddress.ToString(),
            ["Vk__RetryDelayMilliseconds"] = "20",
            // Reconcile every second, and call a difference older than two seconds a mismatch, so tests see both soon.
            ["Reconciliation__GraceSeconds"] = "2",
            ["Reconciliation__IntervalSeconds"] = "1",
            // Outgoing webhooks retry every second or two, wait two seconds for an answer and disable an endpoint after
            // 20 s of failure, to the local receiver, so the schedule's behaviour shows within a test.
            ["OutgoingWebhooks__RetrySeconds"] = string.Join(',', Enumerable.Repeat("1", 10).Concat(Enumerable.Repeat("2", 10))),
            ["OutgoingWebhooks__TimeoutSeconds"] = "2",
            ["OutgoingWebhooks__DisableAfterSeconds"] = "20",
            ["OutgoingWebhooks__PollSeconds"] = "0.5",
            ["OutgoingWebhooks__FundraiserWatchSeconds"] = "1",
            ["OutgoingWebhooks__AllowInsecureTargets"] = "true",
            // Old queues and bindings a test leaves behind are retired within a second.
            ["Messaging__RetiredTopologyInterval"] = "00:00:01",
        };
        foreach (var (key, value) in Settings ?? new Dictionary<string, string>()) environment[key] = value;
        _system = await LocalSystem.StartAsync(Path.Combine(AppContext.BaseDirectory, "logs"), postgres: Postgres, environment: environment,
            abuseLimits: Settings is not null);
    }

    /// <summary>
    /// Publishes a contract message into the run's RabbitMQ as a service's forwarder would, with the message id it
    /// is given: for tests that need an order or a redelivery the real producers would not make on cue.
    /// </summary>
    public async Task PublishAsync<T>(T message, Guid messageId) where T : class
    {
        // Tests publish concurrently: the bus is made and started once, whoever asks first.
        await _brokerLock.WaitAsync();
        try
        {
            if (_broker is null)
            {
                var broker = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(LocalSystem.RabbitHost, _system.Run, host =>
                {
                    host.Username("guest");
                    host.Password("guest");
                }));
                await broker.StartAsync();
                _broker = broker;
            }
        }
        finally
        {
            _brokerLock.Release();
        }
        await _broker.Publish(message, context => context.MessageId = messageId);
    }

    public HttpClient Client(ServiceProcess service, string? key = null) => _system.Client(service, key);

    /// <summary>The run's name: its RabbitMQ virtual host and the suffix of its schemas.</summary>
    public string Run => _system.Run;

    /// <summary>The rows of every table in a service's schema whose text contains <paramref name="text"/>, table by table.</summary>
    public async Task<IReadOnlyDictionary<string, long>> RowsContainingAsync(string service, string text)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        var schema = $"{service}_{_system.Run}";
        var tables = new List<string>();
        await using (var list = new Npgsql.NpgsqlCommand("select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.AddWithValue(schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var found = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = new Npgsql.NpgsqlCommand($"select count(*) from \"{schema}\".\"{table}\" t where t::text like $1", connection);
            count.Parameters.AddWithValue($"%{text}%");
            if ((long)(await count.ExecuteScalarAsync())! is > 0 and var n) found[table] = n;
        }
        return found;
    }

    /// <summary>Kills a service with SIGKILL and starts it again on the same port, ready.</summary>
    public Task<ServiceProcess> KillAndRestartAsync(ServiceProcess service, TimeSpan down) => _system.KillAndRestartAsync(service, down);

    /// <summary>Runs a service's command (<c>rebuild</c>, …) with its settings, as an operator would; exit code and output.</summary>
    public Task<(int ExitCode, string Output)> RunCommandAsync(ServiceProcess service, params string[] args) =>
        service.RunCommandAsync(TimeSpan.FromMinutes(5), args);

    /// <summary>Runs SQL in a service's own schema, for tests that damage stored data on purpose.</summary>
    public async Task ExecuteSqlAsync(string service, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SET search_path TO {service}_{_system.Run}; {sql}", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A query in a service's own schema, each row as text: for what a test must see stored and no API shows (an IP hash).</summary>
    public async Task<IReadOnlyList<string?>> QuerySqlAsync(string service, string sql, params object[] parameters)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await using (var path = new Npgsql.NpgsqlCommand($"SET search_path TO {service}_{_system.Run}", connection)) await path.ExecuteNonQueryAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = parameter });
        var rows = new List<string?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.IsDBNull(0) ? null : reader.GetValue(0).ToString());
        return rows;
    }

    /// <summary>The stored click event (its JSON), as Ingestion committed it.</summary>
    public async Task<System.Text.Json.Nodes.JsonObject> ClickEventAsync(string clickId) =>
        System.Text.Json.Nodes.JsonNode.Parse((await QuerySqlAsync("ingestion", "select data::text from mt_events where stream_id = $1", Guid.Parse(clickId))).Single()!)!.AsObject();

    /// <summary>
    /// Rows in every table of a service's schema but its bookkeeping (the daemon's progress; the callback health, which
    /// counts refused deliveries by design): unchanged when a request stored nothing.
    /// </summary>
    public async Task<long> StoredRowsAsync(string service)
    {
        var tables = await QuerySqlAsync(service,
            "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'mt_event_progression%' and table_name <> 'callback_days'");
        var total = 0L;
        foreach (var table in tables) total += long.Parse((await QuerySqlAsync(service, $"select count(*) from \"{table}\"")).Single()!);
        return total;
    }

    public virtual async Task DisposeAsync()
    {
        if (_broker is not null) await _broker.StopAsync();
        await _system.DisposeAsync();
        await YooKassa.DisposeAsync();
        await Vk.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<DonationsSystem>
{
    public const string Name = "system";
}
