namespace Donations.Testing;

/// <summary>CPU time used by processes, read from /proc (Linux), for "where does the CPU go per request".</summary>
public static class CpuClock
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>User + system CPU seconds of one process.</summary>
    public static double Seconds(int pid) => Ticks(pid, 11, 12) / TicksPerSecond; // utime, stime

    /// <summary>User + system CPU seconds of the children a process has waited for (a server's ended backends).</summary>
    private static double ChildrenSeconds(int pid) => Ticks(pid, 13, 14) / TicksPerSecond; // cutime, cstime

    private static long Ticks(int pid, int first, int second)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name is in parentheses and may hold spaces; the fields after it (from the 3rd) are space-separated.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[first]) + long.Parse(fields[second]);
    }

    /// <summary>
    /// User + system CPU seconds of every live process whose command name is <paramref name="command"/>, and of the
    /// children they have reaped — so PostgreSQL's total keeps the backends that ended between two readings.
    /// </summary>
    public static double SecondsOf(string command)
    {
        double total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == command) total += Seconds(pid) + ChildrenSeconds(pid);
            }
            catch (IOException) { } // the process ended meanwhile
            catch (UnauthorizedAccessException) { }
        }
        return total;
    }
}
