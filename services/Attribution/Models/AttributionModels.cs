namespace Donations.Attribution.Models;

/// <summary>
/// A model splits one donation over its touchpoints. It receives the touchpoints' click times in ascending
/// order and the donation's time, and returns one share per touchpoint; the shares sum to 1.
/// </summary>
public delegate decimal[] ShareModel(IReadOnlyList<DateTimeOffset> clickTimes, DateTimeOffset donatedAt);

public static class AttributionModels
{
    public const string LastClick = "last-click";
    public const string FirstClick = "first-click";
    public const string Linear = "linear";
    public const string TimeDecay = "time-decay";
    public const string PositionBased = "position-based";

    public static readonly IReadOnlyDictionary<string, ShareModel> All = new Dictionary<string, ShareModel>
    {
        [LastClick] = Models.LastClick.Shares,
        [FirstClick] = Models.FirstClick.Shares,
        [Linear] = Models.Linear.Shares,
        [TimeDecay] = Models.TimeDecay.Shares,
        [PositionBased] = Models.PositionBased.Shares,
    };

    public static ShareModel For(string model) =>
        All.TryGetValue(model, out var shares) ? shares : throw new ArgumentException($"Unknown attribution model '{model}'.", nameof(model));
}

/// <summary>What an NGO chose: the model and how far back before a donation clicks count.</summary>
public sealed record AttributionSettings(string Model, int LookbackDays, int Version)
{
    public const int MinLookbackDays = 1;
    public const int MaxLookbackDays = 365;

    public static readonly AttributionSettings Default = new(AttributionModels.LastClick, 30, 0);

    public static string? Problem(string? model, int? lookbackDays) =>
        model is null || !AttributionModels.All.ContainsKey(model)
            ? $"'model' must be one of: {string.Join(", ", AttributionModels.All.Keys)}."
            : lookbackDays is null or < MinLookbackDays or > MaxLookbackDays
                ? $"'lookbackDays' must be a whole number from {MinLookbackDays} to {MaxLookbackDays}."
                : null;
}
