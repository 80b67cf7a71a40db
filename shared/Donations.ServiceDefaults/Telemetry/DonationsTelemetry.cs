using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Donations.ServiceDefaults.Telemetry;

/// <summary>The project's own activity source and meter; every service registers both.</summary>
public static class DonationsTelemetry
{
    public const string Name = "Donations";
    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Webhooks answered, by provider and HTTP status.</summary>
    public static readonly Counter<long> Webhooks = Meter.CreateCounter<long>("donations.webhooks", "{webhook}", "Webhooks answered, by provider and status");

    /// <summary>Donations accepted (first deliveries only), by provider and currency.</summary>
    public static readonly Counter<long> Donations = Meter.CreateCounter<long>("donations.donations", "{donation}", "Donations accepted");

    /// <summary>Repeated deliveries of a transaction that disagree with the first (amount or currency), by provider.</summary>
    public static readonly Counter<long> ConflictingDuplicates = Meter.CreateCounter<long>(
        "donations.webhooks.conflicting_duplicates", "{webhook}", "Repeated deliveries whose money differs from the first delivery's");

    /// <summary>Refunds the ledger does not count (another currency than the payment's, or more than remained), by provider.</summary>
    public static readonly Counter<long> RefusedRefunds = Meter.CreateCounter<long>(
        "donations.refunds.refused", "{refund}", "Refunds not counted because their currency or amount does not fit their payment");

    /// <summary>Clicks on tracked links, people and bots apart.</summary>
    public static readonly Counter<long> Clicks = Meter.CreateCounter<long>("donations.clicks", "{click}", "Clicks recorded");

    /// <summary>First decisions reaching the reports, by status: the unattributed share is unattributed / all.</summary>
    public static readonly Counter<long> Decisions = Meter.CreateCounter<long>("donations.decisions", "{donation}", "Donations reported, by attribution status");

    /// <summary>From the webhook being accepted to the donation showing in the reports.</summary>
    public static readonly Histogram<double> AttributionLag = Meter.CreateHistogram(
        "donations.attribution.lag", "ms", "Webhook accepted to report updated", tags: null, advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000],
        });

    /// <summary>The W3C trace context header kept on Marten events so a trace survives the event store.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>Starts an activity whose parent is the trace stored with an event, when there is one.</summary>
    public static Activity? StartFromStored(string name, ActivityKind kind, string? traceParent) =>
        ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);
}
