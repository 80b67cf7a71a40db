using Donations.LoadTests;

// dotnet run -c Release --project tests/Donations.LoadTests -- ingest [seconds] [clients]
// Needs PostgreSQL and RabbitMQ (bash infra/up.sh) and the solution built in Release.
var command = args.FirstOrDefault() ?? "ingest";
var seconds = args.Length > 1 ? int.Parse(args[1]) : 15;
var clients = args.Length > 2 ? int.Parse(args[2]) : 64;

switch (command)
{
    case "ingest":
        var results = await IngestBenchmark.RunAsync(clients, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"Ingest benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {seconds} s per row");
        Console.WriteLine();
        Console.WriteLine("| what | throughput | p50 | p99 | errors |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var result in results) Console.WriteLine(result.Row);
        return 0;
    default:
        Console.Error.WriteLine("Usage: Donations.LoadTests ingest [seconds] [clients]");
        return 2;
}
