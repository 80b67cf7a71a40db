namespace Donations.Ingestion.Webhooks;

public static class WebhookBody
{
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
