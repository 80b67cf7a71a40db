using Donations.Contracts.Attribution;

namespace Donations.Attribution.Decisions;

public static class Rules
{
    public const string ClickId = "click-id";
    public const string Fundraiser = "fundraiser";
    public const string None = "none";
}

public static class Reasons
{
    public const string NoClickId = "no click id";
    public const string UnknownClickId = "unknown click id";
    public const string OutsideWindow = "outside window";
    public const string BotClick = "bot click";
}

/// <summary>What attribution decided for one donation, before it is written down as a ledger event.</summary>
public sealed record Decision(string Status, string Rule, string? Reason, IReadOnlyList<Credit> Credits)
{
    public static Decision Unattributed(string reason) => new(AttributionStatus.Unattributed, Rules.None, reason, []);

    /// <summary>Whether the ledger already says this, so that writing it again would change nothing.</summary>
    public bool IsRecordedIn(DonationAttributed? current) =>
        current is not null && current.Status == Status && current.Rule == Rule && current.Reason == Reason && current.Credits.SequenceEqual(Credits);
}
