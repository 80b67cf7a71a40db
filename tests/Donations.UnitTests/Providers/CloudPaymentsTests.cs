using System.Security.Cryptography;
using System.Text;
using Donations.Ingestion.Webhooks.CloudPayments;

namespace Donations.UnitTests.Providers;

public class CloudPaymentsTests
{
    private static readonly string Fixtures = Path.Combine(RepoRoot(), "..", "shared", "fixtures", "webhooks", "cloudpayments");
    private static byte[] Vector => File.ReadAllBytes(Path.Combine(Fixtures, "pay.form-urlencoded.cloud_payments-gem-hmac-vector.txt"));

    [Fact]
    public void The_gems_signature_vector_verifies_over_the_raw_bytes()
    {
        Assert.Equal("tJW02TMAce4Em8eJTNqjhOax+BYRM5K2D8mX9xsmUUc=", CloudPaymentsSignature.Sign("pass", Vector));
        Assert.True(CloudPaymentsSignature.Verifies("tJW02TMAce4Em8eJTNqjhOax+BYRM5K2D8mX9xsmUUc=", "pass", Vector));
    }

    [Theory]
    [InlineData("6sUXv4W0wmhfpkkDtp+3Hw/M8deAPkMRVV3OWANcqro=")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("not base64!")]
    [InlineData("dGVzdA==")]
    public void The_negative_vector_and_malformed_headers_do_not_verify(string? header) =>
        Assert.False(CloudPaymentsSignature.Verifies(header, "pass", Vector));

    [Fact]
    public void A_re_encoded_body_does_not_verify()
    {
        // Upper-case percent escapes are what a re-serialising form encoder would produce.
        var reencoded = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Vector).Replace("%d0", "%D0"));
        Assert.False(CloudPaymentsSignature.Verifies("tJW02TMAce4Em8eJTNqjhOax+BYRM5K2D8mX9xsmUUc=", "pass", reencoded));
    }

    [Fact]
    public void X_Content_HMAC_is_over_the_url_decoded_body_and_Content_HMAC_over_the_raw_bytes()
    {
        var raw = Encoding.UTF8.GetBytes("TransactionId=1504&DateTime=2026-10-02%2010%3A00%3A00&Name=IVAN+PETROV&IpCity=%d0%9c%d0%be%d1%81%d0%ba%d0%b2%d0%b0");
        // Decoded independently of CloudPaymentsSignature: '+' is a space and each %XX a UTF-8 byte.
        var decoded = Encoding.UTF8.GetBytes("TransactionId=1504&DateTime=2026-10-02 10:00:00&Name=IVAN PETROV&IpCity=Москва");
        var overDecoded = Convert.ToBase64String(HMACSHA256.HashData("pass"u8, decoded));
        var overRaw = Convert.ToBase64String(HMACSHA256.HashData("pass"u8, raw));
        const string form = "application/x-www-form-urlencoded";

        Assert.Equal(overDecoded, CloudPaymentsSignature.SignDecoded("pass", raw, form));
        Assert.True(CloudPaymentsSignature.Authentic(null, overDecoded, "pass", raw, form));
        Assert.True(CloudPaymentsSignature.Authentic(overRaw, null, "pass", raw, form));
        Assert.True(CloudPaymentsSignature.Authentic(overRaw, overDecoded, "pass", raw, form));
        // Each header by its own definition: swapped, neither verifies.
        Assert.False(CloudPaymentsSignature.Authentic(overDecoded, overRaw, "pass", raw, form));
        Assert.False(CloudPaymentsSignature.Authentic(null, null, "pass", raw, form));
    }

    [Fact]
    public void A_json_body_has_nothing_to_decode_so_both_headers_are_over_its_bytes()
    {
        var json = Encoding.UTF8.GetBytes("{\"TransactionId\":7,\"Description\":\"a+b %41\"}");
        var mac = Convert.ToBase64String(HMACSHA256.HashData("pass"u8, json));
        Assert.True(CloudPaymentsSignature.Authentic(null, mac, "pass", json, "application/json"));
        Assert.True(CloudPaymentsSignature.Authentic(mac, null, "pass", json, "application/json"));
    }

    [Fact]
    public void The_form_body_decodes_lower_case_escapes_and_plus_signs()
    {
        var n = CloudPaymentsNotification.Parse(Vector, "application/x-www-form-urlencoded")!;
        Assert.Equal("666", n["TransactionId"]);
        Assert.Equal("Санкт-Петербург", n["IpCity"]);
        Assert.Equal("VLADIMIR KOCHNEV", n["Name"]);
        Assert.Null(n["SubscriptionId"]);
        Assert.True(n.TryTime(DateTimeOffset.UnixEpoch, out var at));
        Assert.Equal(new DateTimeOffset(2015, 11, 17, 14, 51, 20, TimeSpan.Zero), at);
        Assert.Equal(CloudPaymentsKind.Pay, n.Infer());
    }

    [Theory]
    [InlineData("TransactionId=1&Amount=1.00&Status=Completed", CloudPaymentsKind.Pay)]
    [InlineData("TransactionId=1&Amount=1.00&Status=Declined&ReasonCode=5051", CloudPaymentsKind.Fail)]
    [InlineData("TransactionId=2&PaymentTransactionId=1&Amount=1.00&OperationType=Refund", CloudPaymentsKind.Refund)]
    [InlineData("Id=sc_1&Status=PastDue&Amount=2.00", CloudPaymentsKind.Recurrent)]
    public void The_kind_of_a_notification_on_the_shared_url_is_inferred(string body, CloudPaymentsKind kind) =>
        Assert.Equal(kind, CloudPaymentsNotification.Parse(Encoding.UTF8.GetBytes(body), null)!.Infer());

    [Fact]
    public void Json_bodies_and_merchant_data_are_read()
    {
        var n = CloudPaymentsNotification.Parse(Encoding.UTF8.GetBytes(
            "{\"TransactionId\":7,\"Amount\":10.5,\"Currency\":\"RUB\",\"JsonData\":\"{\\\"click_id\\\":\\\"abc\\\",\\\"fundraiser_id\\\":\\\"coats\\\"}\"}"), "application/json")!;
        Assert.Equal(("7", "10.5"), (n["TransactionId"], n["Amount"]));
        Assert.Equal(("abc", "coats"), (n.MerchantData("click_id"), n.MerchantData("fundraiser_id")));
        Assert.Null(CloudPaymentsNotification.Parse(Encoding.UTF8.GetBytes("[1,2]"), "application/json"));
        Assert.Null(CloudPaymentsNotification.Parse(Encoding.UTF8.GetBytes("{broken"), "application/json"));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Donations.sln"))) return dir.FullName;
        throw new InvalidOperationException("Donations.sln not found.");
    }
}
