namespace Donations.Ingestion.Providers;

public static class Provider
{
    public const string CloudPayments = "cloudpayments";
    public const string YooKassa = "yookassa";
    public const string Vk = "vk";
    public const string Generic = "generic";
}

/// <summary>
/// How Donations checks one provider's webhooks for one NGO. <see cref="Secret"/> is the CloudPayments API secret,
/// the VK Callback secret or the generic HMAC secret; the other fields belong to one provider each.
/// </summary>
public sealed record ProviderSettings(
    string Id,
    string NgoId,
    string Provider,
    string? Secret,
    DateTimeOffset UpdatedAt,
    long? VkGroupId = null,
    string? VkConfirmation = null,
    IReadOnlyList<string>? AllowedNetworks = null,
    string? YooKassaShopId = null,
    string? YooKassaSecretKey = null)
{
    public static string DocumentId(string ngo, string provider) => $"{ngo}/{provider}";
}
