using Donations.Attribution.Models;

namespace Donations.Attribution.Settings;

/// <summary>An NGO's current attribution settings; each change is also an event in the NGO's settings stream.</summary>
public sealed record NgoSettings(string Id, string Model, int LookbackDays, int Version, DateTimeOffset ChangedAt)
{
    public AttributionSettings ToSettings() => new(Model, LookbackDays, Version);
}

/// <summary>The settings an NGO changed to; version 1 is the first change from the defaults.</summary>
public sealed record AttributionSettingsChanged(string NgoId, string Model, int LookbackDays, int Version, DateTimeOffset ChangedAt);

/// <summary>Progress of replaying an NGO's donations through new settings.</summary>
public sealed record Reattribution(string Id, int SettingsVersion, int Total, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

/// <summary>A donation the replay under <see cref="SettingsVersion"/> could not decide again, with why; it waits for a person.</summary>
public sealed record SetAsideDonation(Guid Id, string NgoId, int SettingsVersion, string Error, DateTimeOffset SetAsideAt);
