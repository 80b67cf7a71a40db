using System.Text.Json;
using Donations.Contracts.Ingestion;
using Donations.Contracts.Money;
using Donations.Ingestion.Donors;
using Donations.Ingestion.Providers;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Storage;
using Donations.ServiceDefaults.Webhooks;
using Marten;

namespace Donations.Ingestion.Webhooks.Generic;

public sealed record GenericDonor(string? Id, string? Email);

/// <summary>Our own webhook format, for payment pages and CRMs that are not one of the named providers.</summary>
public sealed record GenericNotification(
    string? Type, string? Id, long? AmountMinor, string? Currency, DateTimeOffset? OccurredAt,
    string? ClickId, string? FundraiserId, string? SubscriptionId, string? RefundOf, GenericDonor? Donor);

public static class GenericWebhook
{
    public const string Succeeded = "donation.succeeded";
    public const string Refunded = "donation.refunded";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<IResult> Receive(
        string ngo, HttpRequest request, ProviderSettingsCache settingsCache, IQuerySession session, DonationIntake intake, DonorVault donors, TimeProvider clock, CancellationToken ct)
    {
        var (delivery, refused) = await WebhookGate.OpenAsync(ngo, Provider.Generic, request, settingsCache, session, ct);
        if (delivery is null) return refused!;
        var (body, settings) = (delivery.Body, delivery.Settings);

        var now = clock.GetUtcNow();
        var headers = request.Headers;
        var standard = headers.ContainsKey(StandardWebhookSignature.SignatureHeader) || headers.ContainsKey(StandardWebhookSignature.IdHeader);
        string? webhookId = standard ? headers[StandardWebhookSignature.IdHeader].ToString() : null;
        var signatureProblem = standard
            ? StandardWebhookSignature.Problem(webhookId, headers[StandardWebhookSignature.TimestampHeader], headers[StandardWebhookSignature.SignatureHeader], settings.Secret!, body, now)
            : headers.ContainsKey(GenericSignature.Header)
                ? GenericSignature.Problem(headers[GenericSignature.Header], settings.Secret!, body, now)
                : $"Sign the body with '{GenericSignature.Header}', or with the Standard Webhooks headers '{StandardWebhookSignature.IdHeader}', '{StandardWebhookSignature.TimestampHeader}' and '{StandardWebhookSignature.SignatureHeader}'.";
        if (signatureProblem is not null) return Problems.BadSignature(signatureProblem);

        GenericNotification? notification;
        try
        {
            notification = Read(body);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest(ParseProblem(e));
        }
        if (notification is null) return Problems.BadRequest("The body is empty.");
        // A Standard Webhooks sender's message id is the transaction id when the body names none.
        if (webhookId is not null && string.IsNullOrWhiteSpace(notification.Id)) notification = notification with { Id = webhookId };
        if (Validate(notification, now) is { } problem) return Problems.Unprocessable(problem);
        var donor = notification.Type == Refunded ? null : await donors.IdentifyAsync(ngo, notification.Donor?.Id, new DonorDetails(notification.Donor?.Email, null), ct);
        var donationId = DonationIntake.DonationId(ngo, Provider.Generic, notification.Type == Refunded ? notification.RefundOf! : notification.Id!);
        var mark = webhookId is null ? null
            : new DeliveryMark(StableId.From("standard-webhook", ngo, webhookId), new StandardWebhookAccepted(ngo, webhookId, donationId, notification.Id!, now));
        var result = notification.Type == Refunded
            ? await intake.AcceptRefundAsync(new DonationRefunded(
                ngo, donationId, Provider.Generic, notification.Id!, notification.RefundOf!, notification.AmountMinor!.Value,
                notification.Currency!, RefundKinds.Refund, notification.OccurredAt!.Value, now), ct, mark)
            : await intake.AcceptAsync(new DonationReceived(
                ngo, donationId, Provider.Generic, notification.Id!, notification.AmountMinor!.Value, notification.Currency!,
                notification.OccurredAt!.Value, notification.ClickId, notification.FundraiserId, notification.SubscriptionId,
                donor?.Id, now, DonorSealed: donor?.Sealed), ct, mark);
        return result.Outcome is { } outcome
            ? TypedResults.Ok(new { status = outcome == Intake.Accepted ? "accepted" : "duplicate", donationId })
            : Problems.Unprocessable(result.Problem!);
    }

    /// <summary>
    /// The generic body, flat or in the Standard Webhooks envelope <c>{type, timestamp, data: {…}}</c>, whose <c>data</c>
    /// holds the other fields and whose <c>timestamp</c> is when the donation occurred unless <c>data.occurredAt</c> says.
    /// </summary>
    private static GenericNotification? Read(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            return root.Deserialize<GenericNotification>(Json);
        var envelope = root.Deserialize<Envelope>(Json)!;
        var inner = data.Deserialize<GenericNotification>(Json)!;
        return inner with { Type = envelope.Type ?? inner.Type, OccurredAt = inner.OccurredAt ?? envelope.Timestamp };
    }

    private sealed record Envelope(string? Type, DateTimeOffset? Timestamp);

    private const string Text = "a string";

    /// <summary>The form each field takes, for a person reading why the body was refused.</summary>
    private static readonly Dictionary<string, string> Forms = new()
    {
        ["type"] = $"\"{Succeeded}\" or \"{Refunded}\"", ["timestamp"] = "an ISO 8601 time with offset", ["data"] = "an object of the generic fields", ["id"] = Text, ["amountMinor"] = "an integer number of minor units (kopecks), such as 150000",
        ["currency"] = "an ISO 4217 code such as \"RUB\"", ["occurredAt"] = "an ISO 8601 time with offset, such as \"2026-11-20T12:00:00+03:00\"",
        ["clickId"] = Text, ["fundraiserId"] = Text, ["subscriptionId"] = Text, ["refundOf"] = Text,
        ["donor"] = "an object {\"id\", \"email\"}", ["donor.id"] = Text, ["donor.email"] = Text,
    };

    private static string ParseProblem(JsonException e) =>
        e.Path?.TrimStart('$', '.') is { Length: > 0 } field && Forms.TryGetValue(field, out var form)
            ? $"'{field}' must be {form}."
            : e.Path is null or "$"
                ? $"The body is not a JSON object of the generic format (line {e.LineNumber + 1}, byte {e.BytePositionInLine})."
                : $"'{e.Path.TrimStart('$', '.')}' has a value of the wrong kind.";

    private static string? Validate(GenericNotification n, DateTimeOffset now) =>
        n.Type is not (Succeeded or Refunded) ? $"'type' must be '{Succeeded}' or '{Refunded}'."
        : WebhookFields.IdProblem("id", n.Id, 128) is { } id ? id
        : n.AmountMinor is null ? "'amountMinor' is required: an integer number of minor units (kopecks)."
        : Currencies.Problem(n.AmountMinor.Value, n.Currency) is { } money ? money
        : n.OccurredAt is null ? "'occurredAt' is required (ISO 8601 with offset)."
        : n.OccurredAt > now.AddDays(1) ? "'occurredAt' is in the future."
        : (WebhookFields.LengthProblem("clickId", n.ClickId, 64) ?? WebhookFields.LengthProblem("subscriptionId", n.SubscriptionId, 128)
           ?? WebhookFields.LengthProblem("donor.id", n.Donor?.Id, 128) ?? WebhookFields.LengthProblem("fundraiserId", n.FundraiserId, 64)) is { } length ? length
        : n.Type == Refunded && WebhookFields.IdProblem("refundOf", n.RefundOf, 128) is { } refundOf ? $"{refundOf} A refund names the refunded donation's id."
        : null;
}
