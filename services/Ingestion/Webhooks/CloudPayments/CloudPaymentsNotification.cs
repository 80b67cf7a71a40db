using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Donations.Ingestion.Webhooks.CloudPayments;

public enum CloudPaymentsKind { Check, Pay, Fail, Refund, Recurrent, Confirm, Cancel }

/// <summary>A CloudPayments notification's fields, read from its form-urlencoded or JSON body.</summary>
public sealed class CloudPaymentsNotification(IReadOnlyDictionary<string, string> fields)
{
    public string? this[string name] => fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>Parses the raw body; null when it is neither a form nor a JSON object.</summary>
    public static CloudPaymentsNotification? Parse(byte[] body, string? contentType)
    {
        var text = Encoding.UTF8.GetString(body).Trim();
        if (text.StartsWith('{') || contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.ValueKind != JsonValueKind.Object) return null;
                return new CloudPaymentsNotification(json.RootElement.EnumerateObject().ToDictionary(
                    p => p.Name,
                    p => p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString()!,
                        JsonValueKind.Null => "",
                        JsonValueKind.Number => p.Value.GetRawText(),
                        _ => p.Value.GetRawText(),
                    },
                    StringComparer.Ordinal));
            }
            catch (JsonException)
            {
                return null;
            }
        }
        if (!text.Contains('=')) return null;
        var form = QueryHelpers.ParseQuery(text);
        return new CloudPaymentsNotification(form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
    }

    /// <summary>
    /// Which notification this is when it came to the shared URL: a subscription has an <c>Id</c> and no
    /// <c>TransactionId</c>; a refund names the payment it refunds; a failure is declined or has a reason code.
    /// Check, Confirm and Cancel cannot be told from Pay by their bodies, so each has its own URL (…/check, …/confirm, …/cancel).
    /// </summary>
    public CloudPaymentsKind Infer() =>
        this["TransactionId"] is null && this["Id"] is not null ? CloudPaymentsKind.Recurrent
        : this["PaymentTransactionId"] is not null || this["OperationType"] == "Refund" ? CloudPaymentsKind.Refund
        : this["Status"] == "Declined" || this["ReasonCode"] is not null ? CloudPaymentsKind.Fail
        : CloudPaymentsKind.Pay;

    public const string DateTimeForm = "UTC as \"yyyy-MM-dd HH:mm:ss\"";

    /// <summary>
    /// CloudPayments' <c>DateTime</c> is UTC, "yyyy-MM-dd HH:mm:ss": when sent, the time it names; when absent, the time
    /// the notification was received; false when it is sent but cannot be read (<see cref="WebhookFields"/>).
    /// </summary>
    public bool TryTime(DateTimeOffset receivedAt, out DateTimeOffset at)
    {
        at = receivedAt;
        if (this["DateTime"] is not { } text) return true;
        if (!DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "O"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)) return false;
        at = parsed;
        return true;
    }

    /// <summary>Our keys in the merchant data the widget passed (<c>Data</c>, or <c>JsonData</c> in API calls).</summary>
    public string? MerchantData(string key)
    {
        foreach (var field in new[] { "Data", "JsonData" })
        {
            if (this[field] is not { } data) continue;
            try
            {
                using var json = JsonDocument.Parse(data);
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(key, out var value))
                    return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            }
            catch (JsonException)
            {
                // Merchant data that is not JSON carries none of our keys.
            }
        }
        return null;
    }
}
