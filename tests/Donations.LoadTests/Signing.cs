using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Donations.LoadTests;

/// <summary>Webhook requests signed as the providers sign them, each with a current timestamp where the scheme has one.</summary>
public static class Signing
{
    /// <summary>The generic provider: <c>Donations-Signature: t=…,v1=hex(HMAC-SHA256(secret, "t.body"))</c>.</summary>
    public static HttpRequestMessage Generic(string ngo, string secret, string body)
    {
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/generic/{ngo}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Donations-Signature", $"t={t},v1={signature}");
        return request;
    }

    /// <summary>CloudPayments: <c>Content-HMAC: base64(HMAC-SHA256(API secret, body))</c>.</summary>
    public static HttpRequestMessage CloudPayments(string path, string secret, byte[] body, string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("Content-HMAC", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        return request;
    }
}
