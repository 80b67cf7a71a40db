using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Donations.ServiceDefaults.Webhooks;
using Marten;

namespace Donations.Ingestion.Providers;

/// <summary>One body for every provider; each provider reads the fields design.md gives it.</summary>
public sealed record ProviderSettingsBody(
    string? Secret, string? ApiSecret, long? GroupId, string? Confirmation,
    IReadOnlyList<string>? AllowedNetworks, IReadOnlyList<string>? TrustedProxies, string? ShopId, string? SecretKey);

public static class ProviderEndpoints
{
    public const int MinSecretLength = 16;

    public static void MapProviders(this IEndpointRouteBuilder app)
    {
        var providers = app.MapGroup("/api/ngos/{ngo}/providers").RequireNgoKey(NgoRoles.Manager).WithTags("Providers");
        providers.MapGet("/", List).WithSummary("Each provider: the webhook URLs to paste, the notifications to switch on, which secrets are set, and callback health.");
        providers.MapPut("/{provider}", Put);
    }

    /// <summary>
    /// For every provider, configured or not: where its cabinet must send notifications (absolute URLs from
    /// <c>Donations:PublicBaseUrl</c>, or this request's host), which ones, which secret fields are set (never their values),
    /// and how its deliveries went (<see cref="CallbackHealth"/>).
    /// </summary>
    private static async Task<IResult> List(string ngo, HttpRequest request, IQuerySession session, CallbackHealth health, IConfiguration configuration, CancellationToken ct)
    {
        var saved = (await session.Query<ProviderSettings>().Where(p => p.NgoId == ngo).ToListAsync(ct)).ToDictionary(p => p.Provider);
        var deliveries = await health.ReadAsync(ngo, ct);
        var publicBase = configuration["Donations:PublicBaseUrl"] ?? $"{request.Scheme}://{request.Host}";
        return TypedResults.Ok(new
        {
            providers = ProviderGuide.All.Select(provider =>
            {
                var settings = saved.GetValueOrDefault(provider);
                var seen = deliveries.GetValueOrDefault(provider);
                return new
                {
                    provider, configured = settings is not null, updatedAt = settings?.UpdatedAt,
                    webhooks = ProviderGuide.Addresses(provider, publicBase, ngo),
                    secrets = ProviderGuide.Secrets(provider, settings),
                    settings = ProviderGuide.Settings(provider, settings),
                    warnings = settings is null ? [] : Warnings(settings),
                    health = new
                    {
                        lastAcceptedAt = seen?.LastAcceptedAt, lastRefused = seen?.LastRefused,
                        days = seen?.Days ?? [],
                    },
                };
            }),
        });
    }

    /// <summary>
    /// cloudpayments <c>{apiSecret}</c>; yookassa <c>{allowedNetworks?, shopId?, secretKey?}</c>;
    /// vk <c>{groupId, secret, confirmation}</c>; generic <c>{secret}</c>. Secrets are stored, never echoed.
    /// </summary>
    private static async Task<IResult> Put(
        string ngo, string provider, ProviderSettingsBody body, IDocumentSession session, ProviderSettingsCache cache, SecretBox secrets, TimeProvider clock, CancellationToken ct)
    {
        var id = ProviderSettings.DocumentId(ngo, provider);
        var now = clock.GetUtcNow();
        var (settings, problem) = provider switch
        {
            Provider.Generic => body.Secret is not { Length: >= MinSecretLength and <= 256 }
                ? (null, $"'secret' must be {MinSecretLength} to 256 characters; it signs the generic webhooks.")
                : StandardWebhookSignature.SecretProblem(body.Secret) is { } whsec ? (null, $"'secret': {whsec}")
                : (new ProviderSettings(id, ngo, provider, body.Secret, now), null),
            Provider.CloudPayments => body.ApiSecret is { Length: > 0 and <= 256 }
                ? (new ProviderSettings(id, ngo, provider, body.ApiSecret, now), null)
                : (null, "'apiSecret' is required: the API secret from the CloudPayments back office."),
            Provider.Vk => body switch
            {
                { GroupId: null or <= 0 } => (null, "'groupId' is required: the VK community id."),
                { Secret: not { Length: > 0 and <= 50 } } => (null, "'secret' is required: the Callback API secret key set in the community."),
                { Confirmation: not { Length: > 0 and <= 100 } } => (null, "'confirmation' is required: the string VK expects back on 'confirmation'."),
                _ => (new ProviderSettings(id, ngo, provider, body.Secret, now, body.GroupId, body.Confirmation), null),
            },
            Provider.YooKassa => YooKassa(body, id, ngo, now),
            _ => (null, $"Unknown provider '{provider}'; use cloudpayments, yookassa, vk or generic."),
        };
        if (settings is null) return Problems.BadRequest(problem!);

        session.Store(settings with { Secret = secrets.Seal(settings.Secret), YooKassaSecretKey = secrets.Seal(settings.YooKassaSecretKey) });
        var stream = StableId.From("provider", ngo, provider);
        session.Events.Append(stream, new ProviderConfigured(ngo, provider, now));
        await session.SaveChangesAsync(ct);
        cache.Forget(ngo, provider);
        return TypedResults.Ok(new
        {
            provider, configured = true, groupId = settings.VkGroupId, allowedNetworks = settings.AllowedNetworks,
            confirmsPayments = settings.YooKassaSecretKey is not null, shopId = settings.YooKassaShopId, warnings = Warnings(settings),
        });
    }

    /// <summary>What a person should fix even though the settings were accepted.</summary>
    private static string[] Warnings(ProviderSettings settings) =>
        settings.Provider == Provider.YooKassa && settings.YooKassaShopId is null
            ? ["Neither 'shopId' nor 'secretKey' is set: a notification from any YooKassa shop pointed at this URL would be taken as this NGO's money. Set 'shopId' (and 'secretKey' to confirm each payment with YooKassa)."]
            : [];

    private static (ProviderSettings?, string?) YooKassa(ProviderSettingsBody body, string id, string ngo, DateTimeOffset now)
    {
        // Which proxies stand in front of Ingestion is the operator's to say, once for every NGO, not an NGO's.
        if (body.TrustedProxies is not null)
            return (null, "'trustedProxies' is no longer an NGO setting: the operator trusts its own proxies for every NGO with " +
                          "Donations__TrustedProxyNetworks, and YooKassa's address is then seen through them. Leave the field out.");
        var networks = body.AllowedNetworks ?? YooKassaNetworks.Published;
        if (networks.Count == 0 || networks.Any(n => !YooKassaNetworks.TryParse(n, out _)))
            return (null, "'allowedNetworks' must be a list of CIDR networks such as \"185.71.76.0/27\".");
        if (body.SecretKey is not null && body.ShopId is null)
            return (null, "'secretKey' needs 'shopId': together they confirm payments with YooKassa's API.");
        if (body.ShopId is { } shop && (shop.Length is 0 or > 32 || !shop.All(char.IsAsciiDigit)))
            return (null, "'shopId' is the YooKassa shop id, digits only, as in the YooKassa cabinet (e.g. \"123456\").");
        return (new ProviderSettings(id, ngo, Provider.YooKassa, null, now, AllowedNetworks: networks,
            YooKassaShopId: body.ShopId, YooKassaSecretKey: body.SecretKey), null);
    }
}
