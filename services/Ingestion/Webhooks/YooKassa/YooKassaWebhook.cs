using System.Text.Json;
using Donations.Contracts.Ingestion;
using Donations.Contracts.Money;
using Donations.Ingestion.Donors;
using Donations.Ingestion.Providers;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Ingestion.Webhooks.YooKassa;

/// <summary>
/// YooKassa notifications. YooKassa signs nothing, so the source address must be in the NGO's allowed networks
/// (YooKassa's published ones unless the NGO says otherwise); optionally each payment is confirmed with YooKassa's
/// API. <c>payment.succeeded</c> is money, <c>refund.succeeded</c> refunds it (joined by <c>payment_id</c>),
/// <c>payment.canceled</c> is recorded; other events are acknowledged and not counted.
/// </summary>
public static class YooKassaWebhook
{
    public static async Task<IResult> Receive(
        string ngo, HttpContext http, ProviderSettingsCache settingsCache, IQuerySession session, DonationIntake intake, YooKassaApi api, DonorVault donors,
        TimeProvider clock, CancellationToken ct)
    {
        var (delivery, refused) = await WebhookGate.OpenAsync(ngo, Provider.YooKassa, http.Request, settingsCache, session, ct);
        if (delivery is null) return refused!;
        var settings = delivery.Settings;
        // The client address as the proxy boundary found it: behind a trusted proxy, the sender's; otherwise the peer's.
        var source = http.Connection.RemoteIpAddress;
        if (source is null || !YooKassaNetworks.Contains(settings.AllowedNetworks ?? YooKassaNetworks.Published, source))
            return Problems.Forbidden($"Notifications for this NGO are accepted only from YooKassa's networks; {source} is not one of them.");

        JsonElement root;
        try
        {
            root = JsonDocument.Parse(delivery.Body).RootElement;
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"The body is not JSON: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object || Text(root, "event") is not { } kind
            || !root.TryGetProperty("object", out var o) || o.ValueKind != JsonValueKind.Object)
            return Problems.BadRequest("A YooKassa notification is {type, event, object: {id, …}}.");
        if (WebhookFields.IdProblem("object.id", Text(o, "id"), 64) is { } idProblem) return Problems.BadRequest(idProblem);
        var id = Text(o, "id")!;
        if (TimeProblem(o) is { } timeProblem) return Problems.BadRequest(timeProblem);

        // A payment names the shop it was made to: with the NGO's shop set, another shop's payment is not this NGO's money.
        if (settings.YooKassaShopId is { } ownShop && kind.StartsWith("payment.", StringComparison.Ordinal)
            && (o.TryGetProperty("recipient", out var recipient) ? Text(recipient, "account_id") : null) is var shop && shop != ownShop)
            return Problems.Forbidden(shop is null
                ? $"The payment names no shop ('object.recipient.account_id'); this NGO accepts only payments to its YooKassa shop {ownShop}."
                : $"The payment was made to YooKassa shop {shop}, not to this NGO's shop {ownShop}; nothing was stored.");

        var now = clock.GetUtcNow();
        switch (kind)
        {
            case "payment.succeeded":
            {
                if (Money(o, "amount") is not ({ } amount, { } currency)) return Problems.Unprocessable(MoneyProblem(o, "amount"));
                if (settings is { YooKassaShopId: { } shopId, YooKassaSecretKey: { } key })
                {
                    switch (await api.ConfirmAsync(shopId, key, id, amount, currency, ct))
                    {
                        case Confirmation.Contradicted:
                            return Problems.Unprocessable($"YooKassa's API does not confirm payment '{id}' as succeeded for {amount} {currency}; nothing was stored.");
                        case Confirmation.Unavailable:
                            return Unavailable.RetryLater(http.Request, "Cannot confirm the payment now",
                                "YooKassa's API did not answer; deliver the notification again later.");
                    }
                }
                var metadata = o.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
                long? fee = Money(o, "income_amount") is ({ } income, _) ? Math.Max(0, amount - income) : null;
                var savedMethod = o.TryGetProperty("payment_method", out var method) && method.ValueKind == JsonValueKind.Object
                                  && method.TryGetProperty("saved", out var saved) && saved.ValueKind == JsonValueKind.True ? Text(method, "id") : null;
                var donor = await donors.IdentifyAsync(ngo, Text(metadata, "donor_id"), new DonorDetails(Text(metadata, "email"), null), ct);
                return Answer(await intake.AcceptAsync(new DonationReceived(
                    ngo, DonationIntake.DonationId(ngo, Provider.YooKassa, id), Provider.YooKassa, id, amount, currency,
                    Time(o, "captured_at") ?? Time(o, "created_at") ?? now, Text(metadata, "click_id"), Text(metadata, "fundraiser_id"),
                    Text(metadata, "subscription_id") ?? savedMethod, donor?.Id, now, fee, donor?.Sealed), ct));
            }
            case "refund.succeeded":
            {
                if (WebhookFields.IdProblem("object.payment_id", Text(o, "payment_id"), 64) is { } paymentProblem)
                    return Problems.Unprocessable($"{paymentProblem} A refund names the refunded payment's 'payment_id'.");
                var paymentId = Text(o, "payment_id")!;
                if (Money(o, "amount") is not ({ } amount, { } currency)) return Problems.Unprocessable(MoneyProblem(o, "amount"));
                return Answer(await intake.AcceptRefundAsync(new DonationRefunded(
                    ngo, DonationIntake.DonationId(ngo, Provider.YooKassa, paymentId), Provider.YooKassa, id, paymentId, amount, currency,
                    RefundKinds.Refund, Time(o, "created_at") ?? now, now), ct));
            }
            case "payment.canceled":
            {
                var reason = o.TryGetProperty("cancellation_details", out var details) ? Text(details, "reason") : null;
                return Answer(await intake.RecordOnceAsync(StableId.From("yookassa-canceled", ngo, id),
                    new PaymentFailed(ngo, Provider.YooKassa, id, Money(o, "amount").Amount, Money(o, "amount").Currency, reason ?? "canceled", now), ct));
            }
            default:
                return TypedResults.Ok(new { status = "ignored", @event = kind });
        }
    }

    private static (long? Amount, string? Currency) Money(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var money) || money.ValueKind != JsonValueKind.Object) return (null, null);
        var currency = Text(money, "currency");
        return currency is not null && Amounts.TryParseMajor(Text(money, "value"), currency, out var minor) && Currencies.Problem(minor, currency) is null
            ? (minor, currency)
            : (null, null);
    }

    private static string MoneyProblem(JsonElement o, string name)
    {
        var money = o.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var currency = Text(money, "currency");
        return Amounts.TryParseMajor(Text(money, "value"), currency ?? "", out var minor)
            ? Currencies.Problem(minor, currency)!
            : $"'{name}' must be {{value: \"123.00\", currency: \"RUB\"}} in a supported currency.";
    }

    private static readonly string[] Times = ["captured_at", "created_at"];

    /// <summary>YooKassa's times are ISO 8601 strings; one that is sent but cannot be read refuses the notification.</summary>
    private static string? TimeProblem(JsonElement o) =>
        Times.FirstOrDefault(name => o.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && Time(o, name) is null) is { } bad
            ? WebhookFields.TimeProblem($"object.{bad}", "an ISO 8601 time such as \"2026-11-20T12:00:00.000Z\"")
            : null;

    private static DateTimeOffset? Time(JsonElement o, string name) =>
        Text(o, name) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static string? Text(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IResult Answer(IntakeResult result) =>
        result.Outcome is { } outcome ? TypedResults.Ok(new { status = outcome == Intake.Accepted ? "accepted" : "duplicate" }) : Problems.Unprocessable(result.Problem!);
}
