using System.Diagnostics;
using System.Reflection;

namespace Donations.Testing;

/// <summary>One service started from its build output as a real process, with its output kept in a log file.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    public string Name { get; }
    public Uri BaseAddress { get; }
    public string LogPath { get; }

    private ServiceProcess(string name, Uri baseAddress, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        BaseAddress = baseAddress;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public static ServiceProcess Start(string name, int port, IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        var dll = Path.Combine(RepoRoot(), "services", name, "bin", BuildConfiguration(), "net10.0", $"Donations.{name}.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the solution first: {dll} is missing.", dll);

        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["Urls"] = baseAddress.ToString();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(name, baseAddress, process, log, logPath);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The process's peak resident memory so far (VmHWM), in MiB; Linux only.</summary>
    public double PeakRssMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Donations.sln"))) return dir.FullName;
        throw new InvalidOperationException("Donations.sln not found above the test binaries.");
    }

    private static string BuildConfiguration() =>
        typeof(ServiceProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
}
