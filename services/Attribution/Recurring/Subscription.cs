using Marten.Schema;

namespace Donations.Attribution.Recurring;

/// <summary>
/// A recurring donation: its earliest payment decides the attribution, and every other charge inherits it. Messages
/// arrive in any order, so an earlier payment that arrives later takes over as the first. Optimistic concurrency
/// keeps two payments from becoming first at once.
/// </summary>
public sealed class Subscription
{
    public string Id { get; set; } = "";
    public Guid FirstDonationId { get; set; }
    public DateTimeOffset FirstOccurredAt { get; set; }
    public List<Guid> Charges { get; set; } = [];
    [Version] public Guid Version { get; set; }

    /// <summary>Whether a payment made at <paramref name="occurredAt"/> comes before the current first (ties by id).</summary>
    public bool IsEarlier(DateTimeOffset occurredAt, Guid donationId) =>
        occurredAt < FirstOccurredAt || (occurredAt == FirstOccurredAt && donationId.CompareTo(FirstDonationId) < 0);

    public static string DocumentId(string ngo, string provider, string subscriptionId) => $"{ngo}/{provider}/{subscriptionId}";
}
