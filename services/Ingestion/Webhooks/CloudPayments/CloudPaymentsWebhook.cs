using Donations.Contracts.Ingestion;
using Donations.Contracts.Money;
using Donations.Ingestion.Catalog;
using Donations.Ingestion.Donors;
using Donations.Ingestion.Providers;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Ingestion.Webhooks.CloudPayments;

/// <summary>
/// CloudPayments notifications: Pay (money when <c>Completed</c>; an <c>Authorized</c> two-stage payment is held money,
/// recorded until Confirm makes it a donation or Cancel releases it), Refund (joined to its payment by
/// <c>PaymentTransactionId</c>), Cancel of a completed payment (all that remains goes back), Fail (recorded, not money),
/// Recurrent (subscription state) and Check (answered with CloudPayments' codes, not stored). Form-urlencoded or JSON;
/// verified with <c>Content-HMAC</c> or <c>X-Content-HMAC</c>; answered <c>{"code":0}</c> once stored.
/// </summary>
public static class CloudPaymentsWebhook
{
    /// <summary>CloudPayments' answer codes to Check: 0 the payment may go ahead; otherwise it is refused.</summary>
    public static class Codes
    {
        public const int Accepted = 0;
        public const int UnknownInvoice = 10;
        public const int BadAccount = 11;
        public const int BadAmount = 12;
        public const int CannotAccept = 13;
        public const int Expired = 20;
    }

    private static IResult Code(int code) => TypedResults.Json(new { code });

    public static async Task<IResult> Receive(
        string ngo, string? kind, HttpRequest request, ProviderSettingsCache settingsCache, IQuerySession session, DonationIntake intake, DonorVault donors,
        TimeProvider clock, CancellationToken ct)
    {
        var (delivery, refused) = await WebhookGate.OpenAsync(ngo, Provider.CloudPayments, request, settingsCache, session, ct);
        if (delivery is null) return refused!;
        if (!CloudPaymentsSignature.Authentic(request.Headers[CloudPaymentsSignature.Header], request.Headers[CloudPaymentsSignature.DecodedHeader],
                delivery.Settings.Secret!, delivery.Body, request.ContentType))
            return Problems.BadSignature($"'{CloudPaymentsSignature.Header}' must be the base64 HMAC-SHA256 of the raw body, or '{CloudPaymentsSignature.DecodedHeader}' of the URL-decoded body, with the NGO's CloudPayments API secret.");

        if (CloudPaymentsNotification.Parse(delivery.Body, request.ContentType) is not { } n)
            return Problems.BadRequest("The body is neither a form-urlencoded nor a JSON CloudPayments notification.");
        CloudPaymentsKind type;
        if (kind is null) type = n.Infer();
        else if (!Enum.TryParse(kind, ignoreCase: true, out type) || int.TryParse(kind, out _))
            return Problems.NotFound($"Unknown CloudPayments notification '{kind}'; use check, pay, confirm, cancel, fail, refund or recurrent.");

        var now = clock.GetUtcNow();
        return type switch
        {
            CloudPaymentsKind.Check => await CheckAsync(ngo, n, session, now, ct),
            CloudPaymentsKind.Pay => await PayAsync(ngo, n, intake, donors, now, ct),
            CloudPaymentsKind.Confirm => await ConfirmAsync(ngo, n, request, session, intake, donors, now, ct),
            CloudPaymentsKind.Cancel => await CancelAsync(ngo, n, intake, now, ct),
            CloudPaymentsKind.Refund => await RefundAsync(ngo, n, request, intake, now, ct),
            CloudPaymentsKind.Fail => await FailAsync(ngo, n, intake, now, ct),
            _ => await RecurrentAsync(ngo, n, delivery.Body, intake, donors, now, ct),
        };
    }

    /// <summary>
    /// Whether the payment may go ahead. The fundraiser named in the merchant data is the "order": unknown is 10; a
    /// currency it does not take is 13; past its deadline, when the NGO refuses late gifts for it, 20.
    /// </summary>
    private static async Task<IResult> CheckAsync(string ngo, CloudPaymentsNotification n, IQuerySession session, DateTimeOffset now, CancellationToken ct)
    {
        if (n["TransactionId"] is null) return Code(Codes.CannotAccept);
        if (Money(n).Problem is not null) return Code(Codes.BadAmount);
        if (n["AccountId"] is { Length: > 128 }) return Code(Codes.BadAccount);
        if (n.MerchantData("fundraiser_id") is not { } fundraiserId) return Code(Codes.Accepted);
        if (fundraiserId.Length > 64 || await session.LoadAsync<Fundraiser>(CatalogKey.Of(ngo, fundraiserId), ct) is not { } fundraiser)
            return Code(Codes.UnknownInvoice);
        if (fundraiser.Currency != n["Currency"]) return Code(Codes.CannotAccept);
        return fundraiser.RefusesLateGifts && now > fundraiser.Deadline ? Code(Codes.Expired) : Code(Codes.Accepted);
    }

    private static async Task<IResult> PayAsync(string ngo, CloudPaymentsNotification n, DonationIntake intake, DonorVault donors, DateTimeOffset now, CancellationToken ct)
    {
        if (WebhookFields.IdProblem("TransactionId", n["TransactionId"], 64) is { } idProblem) return Problems.Unprocessable(idProblem);
        var txId = n["TransactionId"]!;
        if (!n.TryTime(now, out var at)) return Problems.BadRequest(WebhookFields.TimeProblem("DateTime", CloudPaymentsNotification.DateTimeForm));
        var (amount, problem) = Money(n);
        if (problem is not null) return Problems.Unprocessable(problem);
        if (n["Status"] is { } status && status is not ("Completed" or "Authorized"))
            return Answer(await intake.RecordOnceAsync(StableId.From("cloudpayments-status", ngo, txId, status),
                new PaymentFailed(ngo, Provider.CloudPayments, txId, amount, n["Currency"], $"status {status}", now), ct));
        var donor = await donors.IdentifyAsync(ngo, n["AccountId"], new DonorDetails(n["Email"], n["Name"]), ct);
        if (n["Status"] == "Authorized")
            return Answer(await intake.RecordOnceAsync(AuthorizationId(ngo, txId), new PaymentAuthorized(
                ngo, Provider.CloudPayments, txId, amount!.Value, n["Currency"]!, at, n.MerchantData("click_id"), n.MerchantData("fundraiser_id"),
                n["SubscriptionId"], donor?.Id, now, donor?.Sealed), ct));

        return Answer(await intake.AcceptAsync(Donation(ngo, txId, n, amount!.Value, n["Currency"]!, at, null, donor, now), ct));
    }

    /// <summary>
    /// A two-stage payment was confirmed: now it is money, for the amount confirmed (which may be less than was held).
    /// What the confirmation leaves out — the merchant data, the currency, when the donor gave — comes from the authorization.
    /// </summary>
    private static async Task<IResult> ConfirmAsync(
        string ngo, CloudPaymentsNotification n, HttpRequest request, IQuerySession session, DonationIntake intake, DonorVault donors, DateTimeOffset now,
        CancellationToken ct)
    {
        if (WebhookFields.IdProblem("TransactionId", n["TransactionId"], 64) is { } idProblem) return Problems.Unprocessable(idProblem);
        var txId = n["TransactionId"]!;
        if (!n.TryTime(now, out var at)) return Problems.BadRequest(WebhookFields.TimeProblem("DateTime", CloudPaymentsNotification.DateTimeForm));
        var authorized = (await session.Events.FetchStreamAsync(AuthorizationId(ngo, txId), token: ct)).Select(e => e.Data).OfType<PaymentAuthorized>().FirstOrDefault();
        var currency = n["Currency"] ?? authorized?.Currency;
        if (currency is null)
            return Unavailable.RetryLater(request, "The authorization has not arrived yet",
                $"Payment '{txId}' was not authorized here yet, so the confirmation's currency is not known; deliver it again later.");
        if (!Amounts.TryParseMajor(n["Amount"], currency, out var amount) || Currencies.Problem(amount, currency) is { })
            return Problems.Unprocessable(Currencies.Problem(amount, currency) ?? $"'Amount' must be a decimal amount in {currency}, such as 123.00.");
        if (authorized is not null && (authorized.Currency != currency || amount > authorized.AmountMinor))
            return Problems.Unprocessable($"The confirmation of {amount} {currency} is more than the {authorized.AmountMinor} {authorized.Currency} that was authorized for payment '{txId}'.");
        var donor = await donors.IdentifyAsync(ngo, n["AccountId"], new DonorDetails(n["Email"], n["Name"]), ct)
                    ?? (authorized?.DonorId is { } known ? new Donor(known, authorized.DonorSealed) : null);
        return Answer(await intake.AcceptAsync(Donation(ngo, txId, n, amount, currency, authorized?.OccurredAt ?? at, authorized, donor, now), ct));
    }

    /// <summary>
    /// A cancelled payment: an authorization that was never confirmed is released (recorded, not money); a completed one
    /// that CloudPayments cancelled before settling is given back in full, as a refund of what remained.
    /// </summary>
    private static async Task<IResult> CancelAsync(string ngo, CloudPaymentsNotification n, DonationIntake intake, DateTimeOffset now, CancellationToken ct)
    {
        if (WebhookFields.IdProblem("TransactionId", n["TransactionId"], 64) is { } idProblem) return Problems.Unprocessable(idProblem);
        var txId = n["TransactionId"]!;
        if (!n.TryTime(now, out var at)) return Problems.BadRequest(WebhookFields.TimeProblem("DateTime", CloudPaymentsNotification.DateTimeForm));
        var donationId = DonationIntake.DonationId(ngo, Provider.CloudPayments, txId);
        if (await intake.BalanceAsync(donationId, ct) is { AmountMinor: { } paid, Currency: { } currency } balance)
        {
            var remaining = paid - balance.RefundedMinor;
            if (remaining <= 0) return Code(Codes.Accepted);
            return Answer(await intake.AcceptRefundAsync(new DonationRefunded(
                ngo, donationId, Provider.CloudPayments, $"cancel-{txId}", txId, remaining, currency, RefundKinds.Cancellation, at, now), ct));
        }
        long? amount = n["Currency"] is { } named && Amounts.TryParseMajor(n["Amount"], named, out var minor) ? minor : null;
        return Answer(await intake.RecordOnceAsync(StableId.From("cloudpayments-cancel", ngo, txId),
            new AuthorizationCancelled(ngo, Provider.CloudPayments, txId, amount, n["Currency"], now), ct));
    }

    private static DonationReceived Donation(
        string ngo, string txId, CloudPaymentsNotification n, long amount, string currency, DateTimeOffset at, PaymentAuthorized? authorized, Donor? donor,
        DateTimeOffset now)
    {
        long? fee = Amounts.TryParseMajor(n["TotalFee"], currency, out var totalFee) ? totalFee : null;
        return new DonationReceived(
            ngo, DonationIntake.DonationId(ngo, Provider.CloudPayments, txId), Provider.CloudPayments, txId, amount, currency, at,
            n.MerchantData("click_id") ?? authorized?.ClickId, n.MerchantData("fundraiser_id") ?? authorized?.FundraiserId,
            n["SubscriptionId"] ?? authorized?.SubscriptionId, donor?.Id, now, fee, donor?.Sealed);
    }

    private static Guid AuthorizationId(string ngo, string txId) => StableId.From("cloudpayments-authorized", ngo, txId);

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
        DateTimeOffset? at = n.TryTime(now, out var when) ? when : null;
        return Answer(await intake.RecordOnceAsync(StableId.From("cloudpayments-fail", ngo, txId),
            new PaymentFailed(ngo, Provider.CloudPayments, txId, Money(n).Amount, n["Currency"], reason.Length > 0 ? reason : "declined", now, n["SubscriptionId"], at), ct));
    }

    private static async Task<IResult> RecurrentAsync(
        string ngo, CloudPaymentsNotification n, byte[] body, DonationIntake intake, DonorVault donors, DateTimeOffset now, CancellationToken ct)
    {
        if ((WebhookFields.IdProblem("Id", n["Id"], 64) ?? WebhookFields.IdProblem("Status", n["Status"], 32)) is { } idProblem)
            return Problems.Unprocessable($"{idProblem} A subscription notification names its 'Id' and 'Status'.");
        var (subscriptionId, status) = (n["Id"]!, n["Status"]!);
        if (n["Interval"] is { } interval && !RecurrenceIntervals.All.Contains(interval))
            return Problems.Unprocessable($"'Interval' must be one of {string.Join(", ", RecurrenceIntervals.All)}; this one is '{interval}'.");
        int? period = null;
        if (n["Period"] is { } periodText)
        {
            if (!int.TryParse(periodText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) || p is < 1 or > 366)
                return Problems.Unprocessable($"'Period' must be a whole number of intervals from 1 to 366; this one is '{periodText}'.");
            period = p;
        }
        // The same notification delivered again has the same bytes; a new state of the subscription does not.
        var donor = await donors.IdentifyAsync(ngo, n["AccountId"], new DonorDetails(n["Email"], null), ct);
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
        return Answer(await intake.RecordOnceAsync(StableId.From("cloudpayments-recurrent", ngo, subscriptionId, key),
            new SubscriptionStatusChanged(ngo, Provider.CloudPayments, subscriptionId, status, donor?.Id, Money(n).Amount, n["Currency"], now, n["Interval"], period), ct));
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
