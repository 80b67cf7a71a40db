using Marten.Schema;
using Donations.Contracts.Ingestion;

namespace Donations.Attribution.Clicks;

/// <summary>
/// Where a click and the donations that name it meet, whichever arrives first: the click, once it is here, and
/// the donations that named it before it arrived. Optimistic concurrency makes a click and a donation handled
/// at the same moment see each other: one of them fails, is retried, and finds the other.
/// </summary>
public sealed class ClickTouchpoint
{
    public Guid Id { get; set; }
    public ClickRecorded? Click { get; set; }
    public List<Guid> WaitingDonations { get; set; } = [];
    [Version] public Guid Version { get; set; }

    // Copied from the click so that a visitor's clicks can be found by an index.
    public string? NgoId { get; set; }
    public string? VisitorId { get; set; }
    public DateTimeOffset? ClickedAt { get; set; }
    public bool IsBot { get; set; }

    public void Arrived(ClickRecorded click)
    {
        Click = click;
        NgoId = click.NgoId;
        VisitorId = click.VisitorId;
        ClickedAt = click.ClickedAt;
        IsBot = click.IsBot;
        WaitingDonations.Clear();
    }
}
