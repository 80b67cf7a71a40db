namespace Donations.Ingestion.Webhooks;

/// <summary>
/// The rules every provider's fields are read by, so that one kind of mistake gets one kind of answer. An id has a
/// stated limit. A time the provider sends must be in that provider's documented form, or the notification is refused
/// (400, naming the field) and nothing is stored; only a notification that carries no time at all (VK Donut never
/// does) is dated when we received it.
/// </summary>
public static class WebhookFields
{
    public static string? IdProblem(string field, string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? $"'{field}' is required."
        : LengthProblem(field, value, max);

    /// <summary>For a field that may be left out: only its length has a rule.</summary>
    public static string? LengthProblem(string field, string? value, int max) =>
        value is { Length: var length } && length > max ? $"'{field}' is at most {max} characters; this one has {length}." : null;

    public static string TimeProblem(string field, string form) =>
        $"'{field}' must be {form}; a notification whose time cannot be read is not stored.";
}
