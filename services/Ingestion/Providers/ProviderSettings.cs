namespace Donations.Ingestion.Providers;

/// <summary>How Donations checks one provider's webhooks for one NGO.</summary>
public sealed record ProviderSettings(string Id, string NgoId, string Provider, string Secret, DateTimeOffset UpdatedAt)
{
    public static string DocumentId(string ngo, string provider) => $"{ngo}/{provider}";
}

public static class Provider
{
    public const string Generic = "generic";
}
