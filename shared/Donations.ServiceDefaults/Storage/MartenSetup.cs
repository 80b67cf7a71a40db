using Donations.ServiceDefaults.Health;
using Donations.ServiceDefaults.Security;
using JasperFx;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Weasel.Core;

namespace Donations.ServiceDefaults.Storage;

public static class MartenSetup
{
    /// <summary>
    /// The one way a service stores data: Marten on PostgreSQL in the service's own schema, event headers on
    /// (trace context), lightweight sessions that carry the trace, and the async daemon in HotCold mode so that
    /// of several replicas exactly one runs subscriptions and projections.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddDonationsMarten(
        this IHostApplicationBuilder builder, string defaultSchema, Action<StoreOptions> configure)
    {
        var connectionString = WithConnectionDefaults(builder.Configuration.Required("ConnectionStrings:postgres"));
        var schema = builder.Configuration["Marten:Schema"] ?? defaultSchema;
        var timing = DaemonTiming.From(builder.Configuration);

        // Registered before Marten's own hosted services so the schema exists before the daemon starts.
        builder.Services.AddHostedService<SchemaStartup>();
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddSingleton<Leadership>();
        builder.AddSecretsAtRest($"donations-{defaultSchema}");
        builder.Services.AddHostedService(services => services.GetRequiredService<GroupCommit>());
        // Collisions on deterministic ids are how duplicates are detected; Marten would log each as an error.
        // Every failed save still reaches its caller, which answers or retries and logs what matters.
        builder.Logging.AddFilter("Marten.IDocumentStore", LogLevel.Critical);
        builder.Services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgresql", tags: [HealthTags.Ready])
            .AddCheck<ForwardingLagHealthCheck>("event-forwarding", tags: [HealthTags.Ready]);

        return builder.Services.AddMarten(options =>
            {
                options.Connection(connectionString);
                options.DatabaseSchemaName = schema;
                options.Events.DatabaseSchemaName = schema;
                options.Events.MetadataConfig.HeadersEnabled = true;
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                // Each service's daemon elects its own leader: the lock id must differ per schema.
                options.Projections.DaemonLockId = StableLockId(schema);
                // The daemons look for new events every 100 ms when busy and 250 ms when quiet (Marten's defaults are 250 ms
                // and 1 s): polling is part of every donation's end-to-end lag. The wait at a sequence gap (a rolled-back
                // append) stays Marten's 3 s unless configured (DaemonTiming; docs/reliability.md, "Why a shorter gap wait
                // lost events"): a gap is skipped only when PostgreSQL shows no live transaction that could fill it, which
                // holds because Quick appends draw their sequence numbers inside the appending transaction.
                options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
                options.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250);
                options.Projections.StaleSequenceThreshold = timing.GapWait;
                options.Projections.UseTransactionEvidenceForGapSkipping = true;
                options.Events.AppendMode = JasperFx.Events.EventAppendMode.QuickWithServerTimestamps;
                options.Events.UseListenNotifyForEventAppends = timing.WakeOnAppend;
                // Never skip an event a subscription could not handle: pause and retry instead.
                options.Projections.Errors.SkipApplyErrors = false;
                options.Projections.Errors.SkipSerializationErrors = false;
                options.Projections.Errors.SkipUnknownEvents = false;
                options.Schema.For<ProcessedMessage>();
                options.Schema.For<Messaging.UnroutableEvent>();
                options.Schema.For<ApiKey>().Index(k => k.NgoId);
                options.Schema.For<RevokedApiKey>();
                options.Schema.For<DataProtectionKey>();
                configure(options);
            })
            .BuildSessionsWith<TracingSessionFactory>(ServiceLifetime.Singleton)
            .AddAsyncDaemon(DaemonMode.HotCold);
    }

    /// <summary>Connections a service may hold unless its connection string says otherwise.</summary>
    public const int DefaultMaxPoolSize = 24;

    /// <summary>
    /// The connection settings a service gets unless its connection string says otherwise. The pool: Npgsql's default
    /// of 100 per service, times three services (and replicas), exhausts PostgreSQL's default max_connections of 100
    /// under load ("53300: too many clients") — seen in the ingest benchmark; a service waits for one of its own
    /// connections instead. Prepared statements and no reset: see below (docs/benchmarks.md, "PostgreSQL's share").
    /// </summary>
    private static string WithConnectionDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        bool Says(params string[] keys) => keys.Any(k => connectionString.Contains(k, StringComparison.OrdinalIgnoreCase));
        if (!Says("Maximum Pool Size", "MaxPoolSize", "Max Pool Size")) builder.MaxPoolSize = DefaultMaxPoolSize;
        // A cancelled command waits this long for PostgreSQL to confirm the cancellation before the connection is
        // dropped (Npgsql's default is 2 s): an unreachable server must not hold a request past its deadline.
        if (!Says("Cancellation Timeout", "CancellationTimeout")) builder.CancellationTimeout = 500;
        // Every write repeats the same few dozen statements: prepared once per connection, PostgreSQL stops parsing
        // and planning them (and the plans inside Marten's append function survive between uses).
        if (!Says("Max Auto Prepare", "MaxAutoPrepare")) (builder.MaxAutoPrepare, builder.AutoPrepareMinUsages) = (DefaultMaxAutoPrepare, 2);
        // The reset a pooled connection gets on its return is seven statements per use, four uses per webhook; nothing
        // of ours leaves session state behind (SET only as SET LOCAL, advisory locks per transaction or released
        // explicitly; Leadership's session locks use the bare connection string, which keeps the reset).
        if (!Says("No Reset On Close", "NoResetOnClose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>Statements each connection keeps prepared: more than the services' distinct writes and reads.</summary>
    public const int DefaultMaxAutoPrepare = 200;

    private static int StableLockId(string schema) =>
        (int)(BitConverter.ToUInt32(StableId.From("daemon-lock", schema).ToByteArray(), 0) & 0x3FFFFFFF);

    /// <summary>A configuration value the service cannot run without; the error names the missing key.</summary>
    public static string Required(this IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Configuration value '{key}' is missing. Set it in appsettings or as an environment variable ('{key.Replace(":", "__")}').");
}
