namespace Donations.Testing;

/// <summary>CPU time used by processes, read from /proc (Linux), for "where does the CPU go per request".</summary>
public static class CpuClock
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>User + system CPU seconds of one process.</summary>
    public static double Seconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name is in parentheses and may hold spaces; the fields after it are space-separated.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond; // utime, stime (fields 14 and 15)
    }

    /// <summary>User + system CPU seconds of every live process whose command name is <paramref name="command"/>.</summary>
    public static double SecondsOf(string command)
    {
        double total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == command) total += Seconds(pid);
            }
            catch (IOException) { } // the process ended meanwhile
            catch (UnauthorizedAccessException) { }
        }
        return total;
    }
}
