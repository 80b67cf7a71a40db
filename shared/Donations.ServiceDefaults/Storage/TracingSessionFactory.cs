using System.Diagnostics;
using Donations.ServiceDefaults.Telemetry;
using Marten;

namespace Donations.ServiceDefaults.Storage;

/// <summary>Lightweight sessions that stamp every appended event with the current trace context.</summary>
internal sealed class TracingSessionFactory(IDocumentStore store) : ISessionFactory
{
    public IQuerySession QuerySession() => store.QuerySession();

    public IDocumentSession OpenSession()
    {
        var session = store.LightweightSession();
        if (Activity.Current is { } activity)
            session.SetHeader(DonationsTelemetry.TraceParentHeader, activity.Id!);
        return session;
    }
}
