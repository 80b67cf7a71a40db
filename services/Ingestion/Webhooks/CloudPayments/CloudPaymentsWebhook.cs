using Donations.Contracts.Ingestion;
using Donations.Contracts.Money;
using Donations.Ingestion.Donors;
using Donations.Ingestion.Providers;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Ingestion.Webhooks.CloudPayments;

/// <summary>
/// CloudPayments notifications: Pay (money), Refund (joined to its payment by <c>PaymentTransactionId</c>), Fail
/// (recorded, not money), Recurrent (subscription state) and Check (answered, not stored). Form-urlencoded or JSON;
/// verified with <c>Content-HMAC</c> over the raw bytes; answered <c>{"code":0}</c> once stored.
/// </summary>
public static class CloudPaymentsWebhook
{
    /// <summary>CloudPayments' answer codes: 0 accepted; 12 wrong amount; 13 the payment cannot be accepted.</summary>
    private static IResult Code(int code) => TypedResults.Json(new { code });

    public static async Task<IResult> Receive(
        string ngo, string? kind, HttpRequest request, ProviderSettingsCache settingsCache, IQuerySession session, DonationIntake intake, DonorVault donors,
        TimeProvider clock, CancellationToken ct)
    {
        var (delivery, refused) = await WebhookGate.OpenAsync(ngo, Provider.CloudPayments, request, settingsCache, session, ct);
        if (delivery is null) return refused!;
        var secret = delivery.Settings.Secret!;
        if (!CloudPaymentsSignature.Verifies(request.Headers[CloudPaymentsSignature.Header], secret, delivery.Body)
            && !CloudPaymentsSignature.Verifies(request.Headers[CloudPaymentsSignature.AlternateHeader], secret, delivery.Body))
            return Problems.BadSignature($"'{CloudPaymentsSignature.Header}' must be the base64 HMAC-SHA256 of the raw body with the NGO's CloudPayments API secret.");

        if (CloudPaymentsNotification.Parse(delivery.Body, request.ContentType) is not { } n)
            return Problems.BadRequest("The body is neither a form-urlencoded nor a JSON CloudPayments notification.");
        CloudPaymentsKind type;
        if (kind is null) type = n.Infer();
        else if (!Enum.TryParse(kind, ignoreCase: true, out type) || int.TryParse(kind, out _))
            return Problems.NotFound($"Unknown CloudPayments notification '{kind}'; use check, pay, fail, refund or recurrent.");

        var now = clock.GetUtcNow();
        return type switch
        {
            CloudPaymentsKind.Check => Check(n),
            CloudPaymentsKind.Pay => await PayAsync(ngo, n, intake, donors, now, ct),
            CloudPaymentsKind.Refund => await RefundAsync(ngo, n, request, intake, now, ct),
            CloudPaymentsKind.Fail => await FailAsync(ngo, n, intake, now, ct),
            _ => await RecurrentAsync(ngo, n, delivery.Body, intake, donors, now, ct),
        };
    }

    private static IResult Check(CloudPaymentsNotification n) =>
        n["TransactionId"] is null ? Code(13)
        : !Amounts.TryParseMajor(n["Amount"], n["Currency"] ?? "", out var amount) || Currencies.Problem(amount, n["Currency"]) is not null ? Code(12)
        : Code(0);

    private static async Task<IResult> PayAsync(string ngo, CloudPaymentsNotification n, DonationIntake intake, DonorVault donors, DateTimeOffset now, CancellationToken ct)
    {
        if (WebhookFields.IdProblem("TransactionId", n["TransactionId"], 64) is { } idProblem) return Problems.Unprocessable(idProblem);
        var txId = n["TransactionId"]!;
        if (!n.TryTime(now, out var at)) return Problems.BadRequest(WebhookFields.TimeProblem("DateTime", CloudPaymentsNotification.DateTimeForm));
        var (amount, problem) = Money(n);
        if (problem is not null) return Problems.Unprocessable(problem);
        if (n["Status"] is { } status && status != "Completed")
            return Answer(await intake.RecordOnceAsync(StableId.From("cloudpayments-status", ngo, txId, status),
                new PaymentFailed(ngo, Provider.CloudPayments, txId, amount, n["Currency"], $"status {status}", now), ct));

        long? fee = Amounts.TryParseMajor(n["TotalFee"], n["Currency"]!, out var totalFee) ? totalFee : null;
        var donor = await donors.IdentifyAsync(ngo, n["AccountId"], new DonorDetails(n["Email"], n["Name"]), ct);
        var donation = new DonationReceived(
            ngo, DonationIntake.DonationId(ngo, Provider.CloudPayments, txId), Provider.CloudPayments, txId, amount!.Value, n["Currency"]!,
            at, n.MerchantData("click_id"), n.MerchantData("fundraiser_id"), n["SubscriptionId"],
            donor?.Id, now, fee, donor?.Sealed);
        return Answer(await intake.AcceptAsync(donation, ct));
    }

    private static async Task<IResult> RefundAsync(string ngo, CloudPaymentsNotification n, HttpRequest request, DonationIntake intake, DateTimeOffset now, CancellationToken ct)
    {
        if ((WebhookFields.IdProblem("TransactionId", n["TransactionId"], 64) ?? WebhookFields.IdProblem("PaymentTransactionId", n["PaymentTransactionId"], 64)) is { } idProblem)
            return Problems.Unprocessable($"{idProblem} A refund names its own 'TransactionId' and the refunded payment's 'PaymentTransactionId'.");
        var (refundId, paymentId) = (n["TransactionId"]!, n["PaymentTransactionId"]!);
        if (!n.TryTime(now, out var at)) return Problems.BadRequest(WebhookFields.TimeProblem("DateTime", CloudPaymentsNotification.DateTimeForm));
        var donationId = DonationIntake.DonationId(ngo, Provider.CloudPayments, paymentId);
        // Refund notifications do not always name a currency; the payment's is the refund's.
        var currency = n["Currency"] ?? await intake.PaymentCurrencyAsync(donationId, ct);
        if (currency is null)
            return Unavailable.RetryLater(request, "The refunded payment has not arrived yet",
                $"Payment '{paymentId}' is not known yet, so the refund's currency is not either; deliver the refund again later.");
        if (!Amounts.TryParseMajor(n["Amount"], currency, out var amount) || Currencies.Problem(amount, currency) is { })
            return Problems.Unprocessable(Currencies.Problem(amount, currency) ?? $"'Amount' must be a decimal amount in {currency}.");

        return Answer(await intake.AcceptRefundAsync(new DonationRefunded(
            ngo, donationId, Provider.CloudPayments, refundId, paymentId, amount, currency, RefundKinds.Refund, at, now), ct));
    }

    private static async Task<IResult> FailAsync(string ngo, CloudPaymentsNotification n, DonationIntake intake, DateTimeOffset now, CancellationToken ct)
    {
        if (WebhookFields.IdProblem("TransactionId", n["TransactionId"], 64) is { } idProblem) return Problems.Unprocessable(idProblem);
        var txId = n["TransactionId"]!;
        var reason = string.Join(' ', new[] { n["Reason"], n["ReasonCode"] is { } code ? $"({code})" : null }.Where(p => p is not null));
        return Answer(await intake.RecordOnceAsync(StableId.From("cloudpayments-fail", ngo, txId),
            new PaymentFailed(ngo, Provider.CloudPayments, txId, Money(n).Amount, n["Currency"], reason.Length > 0 ? reason : "declined", now), ct));
    }

    private static async Task<IResult> RecurrentAsync(
        string ngo, CloudPaymentsNotification n, byte[] body, DonationIntake intake, DonorVault donors, DateTimeOffset now, CancellationToken ct)
    {
        if ((WebhookFields.IdProblem("Id", n["Id"], 64) ?? WebhookFields.IdProblem("Status", n["Status"], 32)) is { } idProblem)
            return Problems.Unprocessable($"{idProblem} A subscription notification names its 'Id' and 'Status'.");
        var (subscriptionId, status) = (n["Id"]!, n["Status"]!);
        // The same notification delivered again has the same bytes; a new state of the subscription does not.
        var donor = await donors.IdentifyAsync(ngo, n["AccountId"], new DonorDetails(n["Email"], null), ct);
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
        return Answer(await intake.RecordOnceAsync(StableId.From("cloudpayments-recurrent", ngo, subscriptionId, key),
            new SubscriptionStatusChanged(ngo, Provider.CloudPayments, subscriptionId, status, donor?.Id, Money(n).Amount, n["Currency"], now), ct));
    }

    private static (long? Amount, string? Problem) Money(CloudPaymentsNotification n)
    {
        if (n["Currency"] is not { } currency || !Currencies.IsKnown(currency))
            return (null, $"Currency '{n["Currency"]}' is not supported; use an ISO 4217 code such as RUB.");
        if (!Amounts.TryParseMajor(n["Amount"], currency, out var amount))
            return (null, $"'Amount' must be a decimal amount in {currency}, such as 123.00.");
        return Currencies.Problem(amount, currency) is { } problem ? (null, problem) : (amount, null);
    }

    private static IResult Answer(IntakeResult result) =>
        result.Outcome is null ? Problems.Unprocessable(result.Problem!) : Code(0);
}
