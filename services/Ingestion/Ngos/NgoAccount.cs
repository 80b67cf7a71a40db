namespace Donations.Ingestion.Ngos;

/// <summary>An NGO known to Donations; every other record of ours belongs to exactly one. <see cref="TimeZone"/>: its calendar days' zone.</summary>
public sealed record NgoAccount(string Id, string Name, long? VkGroupId, bool Verified, DateTimeOffset RegisteredAt, string TimeZone = Donations.Contracts.Ingestion.NgoTimeZones.Default);
