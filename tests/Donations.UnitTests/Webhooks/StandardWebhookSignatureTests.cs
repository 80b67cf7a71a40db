using System.Security.Cryptography;
using System.Text;
using Donations.ServiceDefaults.Webhooks;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace Donations.UnitTests.Webhooks;

public class StandardWebhookSignatureTests
{
    // The example the Standard Webhooks libraries are tested against.
    private const string ExampleSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string ExampleId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long ExampleTimestamp = 1614265330;
    private const string ExampleBody = "{\"test\": 2432232314}";
    private const string ExampleSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset ExampleNow = DateTimeOffset.FromUnixTimeSeconds(ExampleTimestamp);
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Signs_and_verifies_the_libraries_example()
    {
        Assert.Equal(ExampleSignature, StandardWebhookSignature.Sign(ExampleSecret, ExampleId, ExampleTimestamp, Bytes(ExampleBody)));
        Assert.Null(StandardWebhookSignature.Problem(ExampleId, ExampleTimestamp.ToString(), ExampleSignature, ExampleSecret, Bytes(ExampleBody), ExampleNow));
    }

    [Fact]
    public void Signs_the_specs_example_content_id_dot_timestamp_dot_body()
    {
        const string body = "{\"type\":\"contact.created\",\"timestamp\":\"2022-11-03T20:26:10.344522Z\",\"data\":{\"id\":\"1f81eb52-5198-4599-803e-771906343485\"}}";
        var key = Convert.FromBase64String(ExampleSecret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Bytes($"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W.1674087231.{body}")));
        Assert.Equal(expected, StandardWebhookSignature.Sign(ExampleSecret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", 1674087231, Bytes(body)));
    }

    [Fact]
    public void Verifies_what_the_StandardWebhooks_package_signs_and_the_package_verifies_ours()
    {
        var secret = StandardWebhookSignature.NewSecret();
        var now = DateTimeOffset.UtcNow;
        const string body = "{\"type\":\"donation.succeeded\",\"id\":\"tx-1\",\"amountMinor\":150000,\"currency\":\"RUB\"}";
        var theirs = new StandardWebhook(secret).Sign("msg_1", now, body);
        Assert.Null(StandardWebhookSignature.Problem("msg_1", now.ToUnixTimeSeconds().ToString(), theirs, secret, Bytes(body), now));

        var headers = new HeaderDictionary
        {
            ["webhook-id"] = "msg_2", ["webhook-timestamp"] = now.ToUnixTimeSeconds().ToString(),
            ["webhook-signature"] = StandardWebhookSignature.Sign(secret, "msg_2", now.ToUnixTimeSeconds(), Bytes(body)),
        };
        new StandardWebhook(secret).Verify(body, headers);
    }

    [Fact]
    public void Any_v1_signature_of_several_verifies_during_secret_rotation_and_other_schemes_are_skipped()
    {
        var header = $"v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg== v1,{Convert.ToBase64String(new byte[32])} {ExampleSignature}";
        Assert.Null(StandardWebhookSignature.Problem(ExampleId, ExampleTimestamp.ToString(), header, ExampleSecret, Bytes(ExampleBody), ExampleNow));
        Assert.NotNull(StandardWebhookSignature.Problem(ExampleId, ExampleTimestamp.ToString(), ExampleSignature.Replace("v1,", "v1a,"), ExampleSecret, Bytes(ExampleBody), ExampleNow));
    }

    [Fact]
    public void Refuses_a_tampered_body_another_id_a_wrong_secret_and_a_timestamp_outside_five_minutes()
    {
        string? Problem(string id = ExampleId, long t = ExampleTimestamp, string secret = ExampleSecret, string body = ExampleBody, long now = ExampleTimestamp) =>
            StandardWebhookSignature.Problem(id, t.ToString(), ExampleSignature, secret, Bytes(body), DateTimeOffset.FromUnixTimeSeconds(now));

        Assert.NotNull(Problem(body: ExampleBody + " "));
        Assert.NotNull(Problem(id: ExampleId + "x"));
        Assert.NotNull(Problem(secret: StandardWebhookSignature.NewSecret()));
        Assert.NotNull(Problem(t: ExampleTimestamp + 1));
        Assert.Null(Problem(now: ExampleTimestamp + 300));
        Assert.NotNull(Problem(now: ExampleTimestamp + 301));
        Assert.NotNull(Problem(now: ExampleTimestamp - 301));
    }

    [Theory]
    [InlineData(null, "1614265330", ExampleSignature)]
    [InlineData(ExampleId, null, ExampleSignature)]
    [InlineData(ExampleId, "1614265330", null)]
    [InlineData(ExampleId, "16142653.30", ExampleSignature)]
    [InlineData(ExampleId, "1614265330", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData(ExampleId, "1614265330", "v1,not-base64")]
    public void Refuses_missing_and_malformed_headers(string? id, string? timestamp, string? signature) =>
        Assert.NotNull(StandardWebhookSignature.Problem(id, timestamp, signature, ExampleSecret, Bytes(ExampleBody), ExampleNow));

    [Fact]
    public void A_whsec_secret_must_be_base64_of_24_to_64_bytes_and_other_secrets_are_their_utf8_bytes()
    {
        Assert.Null(StandardWebhookSignature.SecretProblem(ExampleSecret));
        Assert.Null(StandardWebhookSignature.SecretProblem(StandardWebhookSignature.NewSecret()));
        Assert.NotNull(StandardWebhookSignature.SecretProblem("whsec_" + Convert.ToBase64String(new byte[16])));
        Assert.NotNull(StandardWebhookSignature.SecretProblem("whsec_not base64!"));
        Assert.Null(StandardWebhookSignature.SecretProblem("plain-secret-0123456789"));

        var plain = "v1," + Convert.ToBase64String(HMACSHA256.HashData(Bytes("plain-secret-0123456789"), Bytes($"{ExampleId}.{ExampleTimestamp}.{ExampleBody}")));
        Assert.Equal(plain, StandardWebhookSignature.Sign("plain-secret-0123456789", ExampleId, ExampleTimestamp, Bytes(ExampleBody)));
    }
}
