using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Storage;
using Marten;
using Marten.Exceptions;

namespace Donations.Ingestion.Webhooks;

public enum Intake { Accepted, Duplicate }

/// <summary>The one door money comes through, whatever the provider.</summary>
public static class DonationIntake
{
    /// <summary>The donation's id is derived from (NGO, provider, provider transaction id).</summary>
    public static Guid DonationId(string ngo, string provider, string providerTxId) => StableId.From("donation", ngo, provider, providerTxId);

    /// <summary>
    /// Stores the donation as the first event of its own stream and commits before returning. The stream id is
    /// the donation id, so a second delivery — sequential or concurrent, before or after a restart — collides
    /// in PostgreSQL and is reported as a duplicate.
    /// </summary>
    public static async Task<Intake> AcceptAsync(IDocumentSession session, DonationReceived donation, CancellationToken ct)
    {
        session.Events.StartStream(donation.DonationId, donation);
        try
        {
            await session.SaveChangesAsync(ct);
            return Intake.Accepted;
        }
        catch (ExistingStreamIdCollisionException)
        {
            return Intake.Duplicate;
        }
    }
}
