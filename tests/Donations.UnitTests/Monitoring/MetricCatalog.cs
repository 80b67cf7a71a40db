using System.Text.RegularExpressions;

namespace Donations.UnitTests.Monitoring;

/// <summary>infra/prometheus/metrics.txt: the one list of metric families the alerts and the dashboard may use.</summary>
internal sealed partial class MetricCatalog
{
    public static readonly string File = Path.Combine(Monitoring.PrometheusDirectory, "metrics.txt");

    public sealed record Family(string Name, string Type, string ExposedBy)
    {
        public bool IsContract => ExposedBy.StartsWith("contract:", StringComparison.Ordinal);

        /// <summary>The series names Prometheus stores for the family: a histogram is its _bucket, _sum and _count.</summary>
        public IEnumerable<string> SeriesNames => Type == "histogram" ? [Name + "_bucket", Name + "_sum", Name + "_count"] : [Name];
    }

    public IReadOnlyList<Family> Families { get; }

    private MetricCatalog(IReadOnlyList<Family> families) => Families = families;

    public static MetricCatalog Read() => new(System.IO.File.ReadLines(File)
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries))
        .Select(f => f.Length == 3 && f[1] is "counter" or "gauge" or "histogram"
            ? new Family(f[0], f[1], f[2])
            : throw new FormatException($"{File}: '{string.Join(' ', f)}' is not 'name type exposed-by'"))
        .ToList());

    /// <summary>The family a stored series name belongs to, or null when the catalog does not list it.</summary>
    public Family? FamilyOf(string seriesName) => Families.FirstOrDefault(f => f.SeriesNames.Contains(seriesName));

    /// <summary>An instrument of the project's meter, as the C# source creates it.</summary>
    public sealed record Instrument(string Name, string Kind, string Unit, string SourceFile)
    {
        public string Type => Kind switch
        {
            "Counter" or "ObservableCounter" => "counter",
            "Histogram" => "histogram",
            _ => "gauge", // Gauge, ObservableGauge, UpDownCounter, ObservableUpDownCounter
        };

        /// <summary>
        /// The name OpenTelemetry's Prometheus exporter gives it: dots as underscores, the unit appended in words, and
        /// _total on a counter; a unit in braces is an annotation and adds nothing.
        /// </summary>
        public string PrometheusName
        {
            get
            {
                var name = Name.Replace('.', '_').Replace('-', '_');
                var unit = Unit switch
                {
                    "" => "",
                    _ when Unit.StartsWith('{') && Unit.EndsWith('}') => "",
                    "ms" => "milliseconds",
                    "s" => "seconds",
                    "By" => "bytes",
                    _ when UnitWord().IsMatch(Unit) => Unit,
                    _ => throw new NotSupportedException($"{SourceFile}: unit '{Unit}' of {Name}: teach this test how the exporter names it."),
                };
                if (unit.Length > 0 && !name.EndsWith("_" + unit, StringComparison.Ordinal)) name += "_" + unit;
                if (Type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal)) name += "_total";
                return name;
            }
        }
    }

    /// <summary>Every instrument named donations.* that the services and shared libraries create.</summary>
    public static IReadOnlyList<Instrument> InstrumentsInSource()
    {
        var instruments = new List<Instrument>();
        foreach (var file in SourceFiles())
        {
            var text = System.IO.File.ReadAllText(file);
            var found = Creation().Matches(text);
            var calls = CreationCall().Matches(text).Count;
            if (found.Count != calls)
                throw new FormatException($"{file}: {calls} donations.* instruments are created but {found.Count} could be read with their unit.");
            instruments.AddRange(found.Select(m => new Instrument(m.Groups["name"].Value, m.Groups["kind"].Value, m.Groups["unit"].Value,
                Path.GetRelativePath(Monitoring.Root, file))));
        }
        return instruments;
    }

    private static IEnumerable<string> SourceFiles() =>
        new[] { "shared", "services" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(Monitoring.Root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    private const string Kinds = "Counter|Histogram|Gauge|UpDownCounter|ObservableCounter|ObservableGauge|ObservableUpDownCounter";

    [GeneratedRegex(@"Create(?:" + Kinds + @")(?:<[^>]*>)?\(\s*""donations\.")]
    private static partial Regex CreationCall();

    // The unit is the first string after the name: the second argument, or the third after an observable's callback.
    [GeneratedRegex(@"Create(?<kind>" + Kinds + @")(?:<[^>]*>)?\(\s*""(?<name>donations\.[^""]+)""[^""]*""(?<unit>[^""]*)""")]
    private static partial Regex Creation();

    [GeneratedRegex("^[a-z]+$")]
    private static partial Regex UnitWord();
}
