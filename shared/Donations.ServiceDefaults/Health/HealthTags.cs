namespace Donations.ServiceDefaults.Health;

public static class HealthTags
{
    /// <summary>Checks that decide whether the instance should receive traffic.</summary>
    public const string Ready = "ready";
}

public static class HealthData
{
    /// <summary>A check's data under this key names tenants: <c>/health</c> shows it only to a caller with the admin key.</summary>
    public const string ForAdmin = "ngos";
}
