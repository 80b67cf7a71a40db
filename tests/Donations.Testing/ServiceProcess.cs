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

    private readonly int _port;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _logDirectory;
    private readonly string _instance;

    private ServiceProcess(string name, string instance, int port, IReadOnlyDictionary<string, string> environment, string logDirectory,
        Uri baseAddress, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _instance = instance;
        _port = port;
        _environment = environment;
        _logDirectory = logDirectory;
        BaseAddress = baseAddress;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    /// <summary>Starts <paramref name="name"/> on <paramref name="port"/>; its output goes to {name}{instance}.log, appended.</summary>
    public static ServiceProcess Start(string name, int port, IReadOnlyDictionary<string, string> environment, string logDirectory, string instance = "")
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
        var logPath = Path.Combine(logDirectory, $"{name}{instance}.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(name, instance, port, environment, logDirectory, baseAddress, process, log, logPath);
    }

    /// <summary>Kills the process at once (SIGKILL, as <c>kill -9</c>): no shutdown, no flushing, no goodbye to the broker.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        lock (_log) _log.WriteLine("---- killed (SIGKILL) by the test ----");
    }

    /// <summary>A new process of the same service, on the same port, with the same settings and log file.</summary>
    public async Task<ServiceProcess> RestartAsync()
    {
        await DisposeAsync();
        return Start(Name, _port, _environment, _logDirectory, _instance);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Runs one of the service's commands (<c>dotnet Donations.X.dll verb …</c>) with this instance's settings, as an
    /// operator would next to the running service; returns its exit code and what it printed.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(TimeSpan timeout, params string[] args)
    {
        var dll = Path.Combine(RepoRoot(), "services", Name, "bin", BuildConfiguration(), "net10.0", $"Donations.{Name}.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} {string.Join(' ', args)} did not start.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Name} {string.Join(' ', args)} did not finish in {timeout}:\n{output}");
        }
        process.WaitForExit(); // the output's last lines
        lock (_log) _log.WriteLine($"---- {string.Join(' ', args)} (exit {process.ExitCode}) ----\n{output}");
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>The process's peak resident memory so far (VmHWM), in MiB; Linux only.</summary>
    public double PeakRssMiB() => Status("VmHWM:");

    /// <summary>CPU time the process has used so far, user and system, in seconds; Linux only.</summary>
    public double CpuSeconds() => CpuClock.Seconds(_process.Id);

    /// <summary>The process's resident memory now (VmRSS), in MiB; Linux only.</summary>
    public double RssMiB() => Status("VmRSS:");

    private double Status(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
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
