namespace Donations.Attribution.Recurring;

/// <summary>
/// A recurring donation: the first payment seen for it decides the attribution, and every later charge inherits
/// it. Optimistic concurrency keeps two first payments from being chosen at once.
/// </summary>
public sealed class Subscription
{
    public string Id { get; set; } = "";
    public Guid FirstDonationId { get; set; }
    public List<Guid> Charges { get; set; } = [];
    public Guid Version { get; set; }

    public static string DocumentId(string ngo, string provider, string subscriptionId) => $"{ngo}/{provider}/{subscriptionId}";
}
