namespace Donations.Ingestion.Providers;

/// <summary>
/// Why a delivery was refused, in words a person at the NGO can act on: a stable <c>code</c> (the web app words it in
/// the person's language) and an English line. The problem the provider got is kept beside it as the detail.
/// </summary>
public static class CallbackReasons
{
    public static (string Code, string Reason) For(string provider, int status, string? detail)
    {
        var secret = provider switch
        {
            Provider.CloudPayments => "the API secret (CloudPayments cabinet: Settings → API secret)",
            Provider.Vk => "the secret key in the community's Callback API settings",
            Provider.Generic => "the webhook secret",
            _ => "the secret",
        };
        return status switch
        {
            401 when provider == Provider.Vk => ("signature", $"secret does not match: check {secret}"),
            401 => ("signature", $"signature does not match: check {secret}"),
            403 when provider == Provider.Vk => ("wrong-community", "the event is from another VK community than the one saved here: check the community id"),
            403 when detail?.Contains("shop", StringComparison.Ordinal) == true => ("unknown-shop", "unknown shop id: the payment was made to another YooKassa shop than the one saved here"),
            403 => ("wrong-source", "sent from an address outside YooKassa's networks: check the allowed networks, or the proxy in front of the service"),
            404 when detail?.Contains("not configured", StringComparison.Ordinal) == true => ("not-configured", "notifications arrive, but this provider is not set up here: save its settings"),
            404 => ("wrong-url", "the address is not one of this provider's webhook URLs: copy the URL shown here"),
            413 => ("too-large", "the notification is larger than 64 KiB"),
            415 => ("wrong-type", "the notification's content type is not one this provider sends: check the notification format"),
            400 or 422 => ("unreadable", $"the notification cannot be accepted as sent: {detail}"),
            503 => ("unavailable", "the service could not store it just then; the provider delivers it again"),
            _ => ("refused", $"refused with status {status}"),
        };
    }
}
