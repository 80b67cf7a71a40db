using Marten.Schema;
using Donations.Contracts.Ingestion;

namespace Donations.Attribution.Clicks;

/// <summary>
/// The donations decided from a visitor's clicks, so that a click of theirs arriving after such a decision (the
/// forwarder publishes a page at once, so a click and a donation may cross) re-attributes the donations it precedes.
/// </summary>
public sealed class VisitorDonations
{
    // A visitor who gives more often than this keeps the newest: a late click matters to recent gifts.
    private const int Kept = 100;

    public string Id { get; set; } = "";
    public List<VisitorDonation> Donations { get; set; } = [];
    [Version] public Guid Version { get; set; }

    public static string DocumentId(string ngo, string visitor) => $"{ngo}/{visitor}";

    /// <summary>False when the donation is already listed.</summary>
    public bool Add(Guid donationId, DateTimeOffset occurredAt)
    {
        if (Donations.Any(d => d.DonationId == donationId)) return false;
        Donations.Add(new VisitorDonation(donationId, occurredAt));
        if (Donations.Count > Kept) Donations.Remove(Donations.MinBy(d => d.OccurredAt)!);
        return true;
    }

    /// <summary>The donations <paramref name="click"/> came before, and so may have a share of.</summary>
    public IEnumerable<Guid> After(ClickRecorded click) => Donations.Where(d => d.OccurredAt >= click.ClickedAt).Select(d => d.DonationId);
}

public sealed record VisitorDonation(Guid DonationId, DateTimeOffset OccurredAt);
