namespace Donations.Contracts.Ingestion;

/// <summary>The time zone an NGO's calendar days are counted in: an IANA id, Europe/Moscow unless the NGO chose another.</summary>
public static class NgoTimeZones
{
    public const string Default = "Europe/Moscow";

    /// <summary>What a zone must be, in words, for a problem naming the field.</summary>
    public const string Rule = "must be an IANA time zone id such as \"Europe/Moscow\" or \"Asia/Novosibirsk\"";

    /// <summary>Whether <paramref name="id"/> is an IANA zone this machine knows (Windows ids are refused: other services compare ids as text).</summary>
    public static bool IsIana(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId && zone.Id == id;
}
