using Donations.Contracts.Attribution;

namespace Donations.Attribution.Decisions;

public static class Rules
{
    public const string Recurring = "recurring";
    public const string ClickId = "click-id";
    public const string DonorVisitor = "donor-visitor";
    public const string Fundraiser = "fundraiser";
    public const string None = "none";
}

public static class Reasons
{
    public const string NoClickId = "no click id";
    public const string UnknownClickId = "unknown click id";
    public const string OutsideWindow = "outside window";
    public const string BotClick = "bot click";
    public const string ClickAfterPayment = "click after payment";
}

/// <summary>
/// What attribution decided for one donation: the rule that applied and the credits with their shares and
/// amounts of the whole donation (refunds are taken off when the decision is written to the ledger).
/// </summary>
public sealed record Decision(string Status, string Rule, string? Reason, IReadOnlyList<Credit> Credits)
{
    public static Decision Unattributed(string reason) => new(AttributionStatus.Unattributed, Rules.None, reason, []);

    /// <summary>Whether the ledger already says this, so that writing it again would change nothing.</summary>
    public bool IsRecordedIn(DonationAttributed? current) =>
        current is not null && current.Status == Status && current.Rule == Rule && current.Reason == Reason
        && current.Credits.Select(c => c with { AmountMinor = 0 }).SequenceEqual(Credits.Select(c => c with { AmountMinor = 0 }));
}
