using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Donations.ServiceDefaults.Telemetry;

/// <summary>The project's own activity source and meter; every service registers both.</summary>
public static class DonationsTelemetry
{
    public const string Name = "Donations";
    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>The W3C trace context header kept on Marten events so a trace survives the event store.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>Starts an activity whose parent is the trace stored with an event, when there is one.</summary>
    public static Activity? StartFromStored(string name, ActivityKind kind, string? traceParent) =>
        ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);
}
