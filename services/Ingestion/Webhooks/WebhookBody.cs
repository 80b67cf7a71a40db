using Donations.Ingestion.Providers;
using Microsoft.Net.Http.Headers;

namespace Donations.Ingestion.Webhooks;

public static class WebhookBody
{
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";

    /// <summary>
    /// The problem with a body's declared type, or null. CloudPayments posts forms or JSON, the others JSON; a body
    /// declared as anything else is refused unread. A body with no declared type is read: not every sender names one.
    /// </summary>
    public static string? ContentTypeProblem(string provider, string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return null;
        string[] accepted = provider == Provider.CloudPayments ? [Form, Json] : [Json];
        return MediaTypeHeaderValue.TryParse(contentType, out var type) && accepted.Any(a => type.MediaType.Equals(a, StringComparison.OrdinalIgnoreCase))
            ? null
            : $"'Content-Type' must be {string.Join(" or ", accepted)} for {provider} webhooks, not '{contentType}'.";
    }

    /// <summary>No provider's notification comes near this; anything larger is refused unread.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The raw body bytes exactly as sent (signatures are over these), or null when over the limit.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
