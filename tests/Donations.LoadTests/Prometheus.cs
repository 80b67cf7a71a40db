using System.Globalization;
using System.Text.RegularExpressions;

namespace Donations.LoadTests;

/// <summary>Reads a histogram from a service's /metrics and estimates its percentiles from the buckets.</summary>
public static partial class Prometheus
{
    [GeneratedRegex("^(?<name>[a-z_]+)_bucket\\{(?<labels>[^}]*)le=\"(?<le>[^\"]+)\"\\} (?<count>[0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex Bucket();

    [GeneratedRegex("^(?<name>[a-z_]+)_count\\{[^}]*\\} (?<count>[0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex CountLine();

    /// <summary>How many observations a histogram holds, over all its label sets.</summary>
    public static long Count(string metrics, string histogram) => (long)CountLine().Matches(metrics)
        .Where(m => m.Groups["name"].Value.StartsWith(histogram, StringComparison.Ordinal))
        .Sum(m => double.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture));

    /// <summary>
    /// The upper bound of the bucket holding the <paramref name="p"/> quantile (a conservative estimate) of what was
    /// observed after <paramref name="since"/> (an earlier scrape), or of everything.
    /// </summary>
    public static double Quantile(string metrics, string histogram, double p, string? since = null)
    {
        var before = since is null ? [] : Buckets(since, histogram).ToDictionary(b => b.Le, b => b.Count);
        var buckets = Buckets(metrics, histogram).Select(b => (b.Le, Count: b.Count - before.GetValueOrDefault(b.Le))).ToList();
        if (buckets.Count == 0 || buckets[^1].Count == 0) return double.NaN;
        var target = p * buckets[^1].Count;
        return buckets.First(b => b.Count >= target).Le;
    }

    private static List<(double Le, double Count)> Buckets(string metrics, string histogram) => Bucket().Matches(metrics)
        .Where(m => m.Groups["name"].Value.StartsWith(histogram, StringComparison.Ordinal))
        .GroupBy(m => m.Groups["le"].Value)
        .Select(g => (Le: g.Key == "+Inf" ? double.PositiveInfinity : double.Parse(g.Key, CultureInfo.InvariantCulture),
                      Count: g.Sum(m => double.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture))))
        .OrderBy(b => b.Le)
        .ToList();

    /// <summary>The sum of every series of a counter, whatever its labels; 0 when it has none yet.</summary>
    public static double Sum(string metrics, string counter) => metrics.Split('\n')
        .Where(l => l.StartsWith(counter, StringComparison.Ordinal) && (l.Length == counter.Length || l[counter.Length] is '{' or ' '))
        .Sum(l => double.Parse(l.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture));
}
