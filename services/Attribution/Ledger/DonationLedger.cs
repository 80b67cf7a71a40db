using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;

namespace Donations.Attribution.Ledger;

/// <summary>
/// One donation's stream in Attribution's store: the donation as received, then every decision about it.
/// Folded from the events by hand, so there is no projection convention to get wrong.
/// </summary>
public sealed record DonationLedger(DonationReceived Donation, DonationAttributed? Current, long Version)
{
    public static DonationLedger? From(IReadOnlyList<JasperFx.Events.IEvent> events)
    {
        DonationLedger? ledger = null;
        foreach (var e in events)
        {
            ledger = e.Data switch
            {
                DonationReceived received => new DonationLedger(received, null, e.Version),
                DonationAttributed decided when ledger is not null => ledger with { Current = decided, Version = e.Version },
                _ => ledger is null ? null : ledger with { Version = e.Version },
            };
        }
        return ledger;
    }

    public int NextRevision => (Current?.Revision ?? 0) + 1;
}
