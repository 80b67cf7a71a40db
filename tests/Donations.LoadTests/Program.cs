using Donations.LoadTests;

// dotnet run -c Release --project tests/Donations.LoadTests -- ingest [seconds] [clients]
// dotnet run -c Release --project tests/Donations.LoadTests -- reports [donations] [clicks]
// Needs PostgreSQL and RabbitMQ (bash infra/up.sh) and the solution built in Release.
var command = args.FirstOrDefault() ?? "ingest";

switch (command)
{
    case "reports":
        var donations = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
        var clicks = args.Length > 2 ? int.Parse(args[2]) : 5_000_000;
        var latencies = await ReportBenchmark.RunAsync(donations, clicks);
        Console.WriteLine($"Report benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {donations:N0} donations, {clicks:N0} clicks");
        Console.WriteLine();
        Console.WriteLine("| report | p50 | p95 |");
        Console.WriteLine("|---|---|---|");
        foreach (var r in latencies) Console.WriteLine($"| `{r.What}` | {r.P50Ms:N0} ms | {r.P99Ms:N0} ms |");
        return 0;
    case "ingest":
        var seconds = args.Length > 1 ? int.Parse(args[1]) : 15;
        var clients = args.Length > 2 ? int.Parse(args[2]) : 64;
        var results = await IngestBenchmark.RunAsync(clients, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"Ingest benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {seconds} s per row");
        Console.WriteLine();
        Console.WriteLine("| what | throughput | p50 | p99 | errors |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var result in results) Console.WriteLine(result.Row);
        return 0;
    default:
        Console.Error.WriteLine("Usage: Donations.LoadTests ingest [seconds] [clients] | reports [donations] [clicks]");
        return 2;
}
