namespace Donations.Attribution.Models;

public static class AttributionModel
{
    public const string LastClick = "last-click";
}

/// <summary>What an NGO chose: the model and how far back before a donation clicks count.</summary>
public sealed record AttributionSettings(string Model, int LookbackDays)
{
    public static readonly AttributionSettings Default = new(AttributionModel.LastClick, 30);
}
