using Donations.Ingestion.Providers;

namespace Donations.UnitTests.Providers;

public class CallbackReasonsTests
{
    [Theory]
    [InlineData("cloudpayments", 401, null, "signature", "check the API secret")]
    [InlineData("vk", 401, null, "signature", "Callback API settings")]
    [InlineData("vk", 403, null, "wrong-community", "community id")]
    [InlineData("yookassa", 403, "The payment was made to YooKassa shop 1, not to this NGO's shop 2; nothing was stored.", "unknown-shop", "unknown shop id")]
    [InlineData("yookassa", 403, "Notifications for this NGO are accepted only from YooKassa's networks; 10.0.0.1 is not one of them.", "wrong-source", "allowed networks")]
    [InlineData("yookassa", 404, "yookassa webhooks are not configured for NGO 'a'; PUT /api/ngos/a/providers/yookassa first.", "not-configured", "save its settings")]
    [InlineData("cloudpayments", 404, "Unknown CloudPayments notification 'payy'; use check, pay, …", "wrong-url", "copy the URL")]
    [InlineData("cloudpayments", 422, "'Amount' must be a decimal amount in RUB, such as 123.00.", "unreadable", "'Amount' must be a decimal amount")]
    [InlineData("generic", 503, null, "unavailable", "delivers it again")]
    [InlineData("generic", 418, null, "refused", "418")]
    public void Each_refusal_says_what_to_fix(string provider, int status, string? detail, string code, string words)
    {
        var (actualCode, reason) = CallbackReasons.For(provider, status, detail);
        Assert.Equal(code, actualCode);
        Assert.Contains(words, reason);
    }
}
