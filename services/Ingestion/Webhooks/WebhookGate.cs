using Donations.Ingestion.Ngos;
using Donations.Ingestion.Providers;
using Donations.ServiceDefaults.Http;
using Marten;

namespace Donations.Ingestion.Webhooks;

/// <summary>A webhook that passed the gate: its raw bytes, and the NGO's settings for the provider that sent it.</summary>
public sealed record Delivery(string Ngo, byte[] Body, ProviderSettings Settings);

public static class WebhookGate
{
    /// <summary>Checks the body's type, reads the body (bounded) and finds the NGO and its settings for the provider; or the problem to answer.</summary>
    public static async Task<(Delivery? Delivery, IResult? Problem)> OpenAsync(
        string ngo, string provider, HttpRequest request, ProviderSettingsCache settingsCache, IQuerySession session, CancellationToken ct)
    {
        if (WebhookBody.ContentTypeProblem(provider, request.ContentType) is { } typeProblem)
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "The body's type is not accepted", typeProblem));
        if (await WebhookBody.ReadAsync(request, ct) is not { } body) return (null, Problems.TooLarge(WebhookBody.MaxBytes));
        // Settings exist only for an NGO that exists, so the NGO is looked up only to say which is missing.
        if (await settingsCache.FindAsync(ngo, provider, ct) is { } settings)
        {
            CallbackOutcomes.NgoIsKnown(request.HttpContext);
            return (new Delivery(ngo, body, settings), null);
        }
        if (await session.LoadAsync<NgoAccount>(ngo, ct) is null) return (null, Problems.NotFound($"No NGO has the id '{ngo}'."));
        CallbackOutcomes.NgoIsKnown(request.HttpContext);
        return (null, Problems.NotFound($"{provider} webhooks are not configured for NGO '{ngo}'; PUT /api/ngos/{ngo}/providers/{provider} first."));
    }
}
