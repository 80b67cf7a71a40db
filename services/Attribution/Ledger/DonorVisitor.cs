namespace Donations.Attribution.Ledger;

/// <summary>A donor tied to a visitor by a donation attributed through that visitor's click (rule 3).</summary>
public sealed record DonorVisitor(string Id, string VisitorId)
{
    public static string DocumentId(string ngo, string donorId) => $"{ngo}/{donorId}";
}

/// <summary>Every donation an NGO has, and the settings version its latest revision used: what a replay walks.</summary>
public sealed record DonationIndex(Guid Id, string NgoId, DateTimeOffset OccurredAt, int SettingsVersion);
