namespace Donations.Ingestion.Links;

/// <summary>
/// A link's target: an absolute http(s) URL of the NGO's payment page, kept in its ASCII form (punycode host,
/// percent-encoded path and query) because that form is the only one a <c>Location</c> header can carry.
/// </summary>
public static class LinkTarget
{
    public const int MaxLength = 2000;

    /// <summary>The target's ASCII form, or the problem with it (naming the field and the rule).</summary>
    public static (string? Target, string? Problem) Parse(string? text)
    {
        const string rule = "'targetUrl' must be an absolute http(s) URL of the NGO's payment page, such as \"https://fund.example.org/give\"";
        if (string.IsNullOrWhiteSpace(text)) return (null, $"{rule}.");
        if (text.Length > MaxLength) return (null, $"{rule}, at most {MaxLength} characters.");
        // A CR or LF that reached the Location header would split the answer; no URL needs any control character.
        if (text.Any(char.IsControl)) return (null, $"{rule}, without control characters (CR, LF, tab, NUL).");
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
            return (null, $"{rule}; other schemes (javascript:, data:, ftp:) are refused.");
        if (uri.UserInfo.Length > 0) return (null, $"{rule}, without a user name or password before the host.");
        return (Ascii(uri), null);
    }

    /// <summary>The ASCII form of a URL already stored (links made before targets were kept in it are converted as they are followed).</summary>
    public static string Ascii(string stored) => Uri.TryCreate(stored, UriKind.Absolute, out var uri) ? Ascii(uri) : stored;

    /// <summary>
    /// The target with <paramref name="parameters"/> in its query, each replacing any of the same name the target has;
    /// the rest of the target's query is kept byte for byte, and the fragment stays last.
    /// </summary>
    public static string With(string target, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var added = parameters.ToList();
        var hash = target.IndexOf('#');
        var fragment = hash < 0 ? "" : target[hash..];
        var rest = hash < 0 ? target : target[..hash];
        var question = rest.IndexOf('?');
        var path = question < 0 ? rest : rest[..question];
        var kept = question < 0 ? [] : rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !added.Any(a => a.Key == Uri.UnescapeDataString(pair.Split('=')[0].Replace('+', ' '))));
        var query = string.Join('&', kept.Concat(added.Select(a => $"{Uri.EscapeDataString(a.Key)}={Uri.EscapeDataString(a.Value)}")));
        return path + (query.Length > 0 ? "?" + query : "") + fragment;
    }

    private static string Ascii(Uri uri)
    {
        if (uri.HostNameType != UriHostNameType.Dns || uri.IdnHost == uri.Host) return uri.AbsoluteUri;
        return new UriBuilder(uri) { Host = uri.IdnHost }.Uri.AbsoluteUri;
    }
}
