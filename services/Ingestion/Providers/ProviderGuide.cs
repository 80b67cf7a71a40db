namespace Donations.Ingestion.Providers;

/// <summary>One address to paste into the provider's cabinet, and the notifications to switch on for it.</summary>
public sealed record WebhookAddress(string Url, IReadOnlyList<string> Notifications, bool Required);

/// <summary>A secret setting: whether it is set, never its value.</summary>
public sealed record SecretField(string Field, bool Set);

/// <summary>
/// What an NGO pastes into each provider's cabinet: the webhook URL(s), built from the public base URL, and the
/// notifications this service reads. Notification names are the provider's own, as its cabinet shows them.
/// </summary>
public static class ProviderGuide
{
    public static readonly IReadOnlyList<string> All = [Provider.CloudPayments, Provider.YooKassa, Provider.Vk, Provider.Generic];

    public static IReadOnlyList<WebhookAddress> Addresses(string provider, string publicBase, string ngo)
    {
        var webhook = $"{publicBase.TrimEnd('/')}/webhooks/{provider}/{Uri.EscapeDataString(ngo)}";
        return provider switch
        {
            // Check, Confirm and Cancel cannot be told apart by their bodies: each has its own URL, and so has every other kind.
            Provider.CloudPayments =>
            [
                new($"{webhook}/check", ["Check"], true),
                new($"{webhook}/pay", ["Pay"], true),
                new($"{webhook}/fail", ["Fail"], true),
                new($"{webhook}/refund", ["Refund"], true),
                new($"{webhook}/recurrent", ["Recurrent"], true),
                new($"{webhook}/confirm", ["Confirm"], false),
                new($"{webhook}/cancel", ["Cancel"], false),
            ],
            Provider.YooKassa => [new(webhook, ["payment.succeeded", "payment.canceled", "refund.succeeded"], true)],
            Provider.Vk =>
            [
                new(webhook, [
                    "confirmation", "donut_subscription_create", "donut_subscription_prolonged", "donut_subscription_cancelled",
                    "donut_subscription_expired", "donut_subscription_price_changed", "donut_money_withdraw", "donut_money_withdraw_error",
                    "vkpay_transaction", "wall_post_new",
                ], true),
            ],
            _ => [new(webhook, ["donation.succeeded", "donation.refunded"], true)],
        };
    }

    public static IReadOnlyList<SecretField> Secrets(string provider, ProviderSettings? settings) => provider switch
    {
        Provider.CloudPayments => [new("apiSecret", settings?.Secret is not null)],
        Provider.YooKassa => [new("secretKey", settings?.YooKassaSecretKey is not null)],
        _ => [new("secret", settings?.Secret is not null)],
    };

    /// <summary>The settings that are not secret, as saved.</summary>
    public static object? Settings(string provider, ProviderSettings? settings) => (provider, settings) switch
    {
        (_, null) => null,
        (Provider.YooKassa, { } s) => new { shopId = s.YooKassaShopId, allowedNetworks = s.AllowedNetworks ?? YooKassaNetworks.Published, confirmsPayments = s.YooKassaSecretKey is not null },
        (Provider.Vk, { } s) => new { groupId = s.VkGroupId, confirmation = s.VkConfirmation },
        _ => null,
    };
}
