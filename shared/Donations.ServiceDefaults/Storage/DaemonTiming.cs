using Microsoft.Extensions.Configuration;

namespace Donations.ServiceDefaults.Storage;

/// <summary>
/// How long the event daemon waits at a sequence gap before asking PostgreSQL whether a live transaction can still
/// fill it (<c>Marten:Daemon:GapWaitMs</c>), and whether appends wake it through LISTEN/NOTIFY instead of the next poll
/// (<c>Marten:Daemon:WakeOnAppend</c>). The defaults are what the fault suite has passed with: Marten's 3 s and polling.
/// A shorter wait lands only with <c>infra/faults.sh</c> passing at it (docs/reliability.md, issue 15 item 3).
/// </summary>
public sealed record DaemonTiming(TimeSpan GapWait, bool WakeOnAppend)
{
    public const string GapWaitKey = "Marten:Daemon:GapWaitMs";
    public const string WakeOnAppendKey = "Marten:Daemon:WakeOnAppend";
    public static readonly TimeSpan DefaultGapWait = TimeSpan.FromSeconds(3);

    /// <summary>Below this a gap is judged before a healthy commit has had time to land; above it the daemon looks stuck.</summary>
    public static readonly TimeSpan MinGapWait = TimeSpan.FromMilliseconds(100), MaxGapWait = TimeSpan.FromMinutes(1);

    public static DaemonTiming From(IConfiguration configuration)
    {
        var gapWait = DefaultGapWait;
        if (configuration[GapWaitKey] is { Length: > 0 } text)
        {
            if (!int.TryParse(text, out var ms) || TimeSpan.FromMilliseconds(ms) is var wait && (wait < MinGapWait || wait > MaxGapWait))
                throw new InvalidOperationException(
                    $"Configuration value '{GapWaitKey}' must be whole milliseconds from {MinGapWait.TotalMilliseconds:0} to {MaxGapWait.TotalMilliseconds:0}; it is '{text}'.");
            gapWait = TimeSpan.FromMilliseconds(ms);
        }
        var wake = false;
        if (configuration[WakeOnAppendKey] is { Length: > 0 } flag && !bool.TryParse(flag, out wake))
            throw new InvalidOperationException($"Configuration value '{WakeOnAppendKey}' must be true or false; it is '{flag}'.");
        return new DaemonTiming(gapWait, wake);
    }
}
