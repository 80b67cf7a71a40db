using System.Security.Cryptography;
using System.Text;
using Donations.Ingestion.Webhooks.Generic;

namespace Donations.UnitTests.Webhooks;

public class GenericSignatureTests
{
    private const string Secret = "whsec-0123456789abcdef";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"type\":\"donation.succeeded\",\"id\":\"tx-1\"}");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);

    [Fact]
    public void Signs_the_timestamp_dot_raw_body_with_hmac_sha256()
    {
        // Computed independently of GenericSignature: hex HMAC-SHA256 over "<t>.<body>".
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret),
            Encoding.UTF8.GetBytes("1790000000." + Encoding.UTF8.GetString(Body))));
        Assert.Equal($"t=1790000000,v1={expected}", GenericSignature.Sign(Secret, 1_790_000_000, Body));
    }

    [Fact]
    public void Accepts_its_own_signature_within_tolerance()
    {
        Assert.Null(GenericSignature.Problem(GenericSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body), Secret, Body, Now));
        Assert.Null(GenericSignature.Problem(GenericSignature.Sign(Secret, Now.ToUnixTimeSeconds() - 299, Body), Secret, Body, Now));
    }

    [Fact]
    public void Accepts_any_of_several_signatures_during_secret_rotation()
    {
        var valid = GenericSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        var header = $"t={Now.ToUnixTimeSeconds()},v1={new string('0', 64)},{valid.Split(',')[1]}";
        Assert.Null(GenericSignature.Problem(header, Secret, Body, Now));
    }

    [Fact]
    public void Rejects_a_tampered_body_a_wrong_secret_and_a_stale_timestamp()
    {
        var header = GenericSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        Assert.NotNull(GenericSignature.Problem(header, Secret, [.. Body, (byte)' '], Now));
        Assert.NotNull(GenericSignature.Problem(header, Secret + "x", Body, Now));
        Assert.NotNull(GenericSignature.Problem(GenericSignature.Sign(Secret, Now.ToUnixTimeSeconds() - 301, Body), Secret, Body, Now));
        Assert.NotNull(GenericSignature.Problem(GenericSignature.Sign(Secret, Now.ToUnixTimeSeconds() + 301, Body), Secret, Body, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=abc")]
    [InlineData("t=1790000000")]
    [InlineData("t=abc,v1=00")]
    [InlineData("t=1790000000,v1=zz")]
    public void Rejects_malformed_headers(string? header) => Assert.NotNull(GenericSignature.Problem(header, Secret, Body, Now));
}
