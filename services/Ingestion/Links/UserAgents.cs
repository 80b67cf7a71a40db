namespace Donations.Ingestion.Links;

/// <summary>
/// User agents that are not people: search crawlers, link-preview fetchers (VK's own among them), HTTP
/// libraries and monitors. A click from one is recorded but flagged, so it never earns credit.
/// </summary>
public static class UserAgents
{
    private static readonly string[] Markers =
    [
        "vkshare", "vk.com/dev/share", "vkbot", "vkontakte", "telegrambot", "twitterbot", "facebookexternalhit",
        "facebot", "whatsapp", "slackbot", "discordbot", "linkedinbot", "skypeuripreview", "viber",
        "yandexbot", "yandexmetrika", "yandexmobilebot", "googlebot", "adsbot-google", "mediapartners-google",
        "bingbot", "duckduckbot", "baiduspider", "applebot", "petalbot", "ahrefsbot", "semrushbot", "mj12bot",
        "dotbot", "mail.ru_bot", "bot/", "bot;", "crawler", "spider", "headlesschrome", "phantomjs", "python-requests",
        "python-urllib", "curl/", "wget/", "go-http-client", "java/", "okhttp", "libwww-perl", "httpclient", "uptimerobot",
        "pingdom",
    ];

    public static bool IsBot(string? userAgent) =>
        string.IsNullOrWhiteSpace(userAgent) || Markers.Any(m => userAgent.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>bot, tablet, mobile or desktop: enough to compare how people reach the payment page.</summary>
    public static string DeviceClass(string? userAgent) =>
        IsBot(userAgent) ? "bot"
        : Has(userAgent!, "ipad", "tablet", "kindle", "silk/") ? "tablet"
        : Has(userAgent!, "mobi", "android", "iphone", "ipod", "windows phone") ? "mobile"
        : "desktop";

    private static bool Has(string userAgent, params string[] markers) => markers.Any(m => userAgent.Contains(m, StringComparison.OrdinalIgnoreCase));
}
