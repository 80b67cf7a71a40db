using System.Diagnostics.Metrics;
using Donations.ServiceDefaults.Telemetry;

namespace Donations.ServiceDefaults.Storage;

/// <summary>
/// Transactions rolled back and messages retried because of a conflict, per service (the job label): in steady state
/// both stay at zero, since every rolled-back append leaves a gap in the event sequence that the daemons wait out.
/// </summary>
public static class StorageConflicts
{
    private static readonly Counter<long> Rollbacks = DonationsTelemetry.Meter.CreateCounter<long>(
        "donations.storage.rollbacks", "{transaction}", "Transactions rolled back, by reason: concurrency, duplicate, other");

    private static readonly Counter<long> Retries = DonationsTelemetry.Meter.CreateCounter<long>(
        "donations.storage.retries", "{message}", "Messages retried after a failure, by reason: concurrency, duplicate, other");

    public static void RolledBack(Exception e) => Rollbacks.Add(1, new KeyValuePair<string, object?>("reason", Reason(e)));

    public static void Retried(Exception e) => Retries.Add(1, new KeyValuePair<string, object?>("reason", Reason(e)));

    public static string Reason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            // By name: Marten and JasperFx each have a class of some of these names.
            if (inner.GetType().Name is "ConcurrencyException" or "EventStreamUnexpectedMaxEventIdException" or "ExistingStreamIdCollisionException") return "concurrency";
            if (inner.GetType().Name is "DocumentAlreadyExistsException") return "duplicate";
            if (inner is AggregateException { InnerExceptions: [var only] }) return Reason(only);
        }
        return "other";
    }
}
