using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Donations.Testing;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Donations.UnitTests.Monitoring;

/// <summary>The monitoring files of infra/ and docs/, and the tools to read them.</summary>
internal static partial class Monitoring
{
    public static readonly string Root = ServiceProcess.RepoRoot();
    public static readonly string PrometheusDirectory = Path.Combine(Root, "infra", "prometheus");
    public static readonly string AlertsFile = Path.Combine(PrometheusDirectory, "alerts.yml");
    public static readonly string AlertTestsFile = Path.Combine(PrometheusDirectory, "alerts.test.yml");
    public static readonly string ConfigFile = Path.Combine(PrometheusDirectory, "prometheus.yml");
    public static readonly string DashboardFile = Path.Combine(Root, "infra", "grafana", "donations.json");
    public static readonly string RunbookFile = Path.Combine(Root, "docs", "runbook.md");

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance).IgnoreUnmatchedProperties().Build();

    public static T ReadYaml<T>(string file) => Yaml.Deserialize<T>(File.ReadAllText(file));

    public static IReadOnlyList<Rule> Alerts() => ReadYaml<RuleFile>(AlertsFile).Groups.SelectMany(g => g.Rules).ToList();

    public sealed record Result(int ExitCode, string Output);

    /// <summary>Runs Debian's promtool (package <c>prometheus</c>; infra/test.sh installs it) in <paramref name="directory"/>.</summary>
    public static Result Promtool(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("promtool is not installed: apt-get install prometheus (infra/test.sh does it).", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"promtool {string.Join(' ', arguments)} did not finish within 60 s.");
            }
            return new Result(process.ExitCode, stdout.Result + stderr.Result);
        }
    }

    /// <summary>A scratch directory holding copies of the monitoring files, for changing them without touching the real ones.</summary>
    public static string ScratchCopy(params string[] files)
    {
        var directory = Directory.CreateTempSubdirectory("donations-monitoring-").FullName;
        foreach (var file in files) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        return directory;
    }

    private static readonly HashSet<string> PromQlKeywords =
        ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"];

    /// <summary>
    /// The metric names a PromQL expression selects: what is left once strings, label matchers, ranges, grouping label lists,
    /// function and aggregation names and keywords are taken out.
    /// </summary>
    public static IReadOnlySet<string> MetricNames(string expr)
    {
        // A matcher on __name__ reads metrics by pattern, which no check against the catalog could see.
        if (expr.Contains("__name__", StringComparison.Ordinal)) throw new NotSupportedException($"selects metrics by __name__: {expr}");
        var text = QuotedString().Replace(expr, " ");
        text = LabelMatchers().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        text = GroupingLabels().Replace(text, " ");
        return Identifier().Matches(text).Select(m => m.Value)
            .Where(name => !PromQlKeywords.Contains(name.ToLowerInvariant())).ToHashSet();
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")]
    private static partial Regex GroupingLabels();

    // A name not followed by "(" (that would be a function or an aggregation), and not part of a number such as 1e3.
    [GeneratedRegex(@"(?<![\w.:])[A-Za-z_:][A-Za-z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifier();

    /// <summary>A GitHub heading anchor: lower case, punctuation dropped, spaces as hyphens.</summary>
    public static string Anchor(string heading) =>
        new string(heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');

    public static IReadOnlySet<string> RunbookAnchors() => File.ReadLines(RunbookFile)
        .Where(l => l.StartsWith("## ", StringComparison.Ordinal)).Select(l => Anchor(l[3..])).ToHashSet();
}

internal sealed class RuleFile
{
    public List<RuleGroup> Groups { get; set; } = [];
}

internal sealed class RuleGroup
{
    public string Name { get; set; } = "";
    public List<Rule> Rules { get; set; } = [];
}

internal sealed class Rule
{
    public string? Alert { get; set; }
    public string? Record { get; set; }
    public string Expr { get; set; } = "";
    public string? For { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public Dictionary<string, string> Annotations { get; set; } = [];
}

internal sealed class RuleTestFile
{
    public List<string> RuleFiles { get; set; } = [];
    public List<RuleTest> Tests { get; set; } = [];
}

internal sealed class RuleTest
{
    public string Name { get; set; } = "";
    public List<InputSeries> InputSeries { get; set; } = [];
    [YamlMember(Alias = "alert_rule_test")]
    public List<AlertRuleTest> AlertRuleTests { get; set; } = [];
}

internal sealed class InputSeries
{
    public string Series { get; set; } = "";
    public string Values { get; set; } = "";
}

internal sealed class AlertRuleTest
{
    public string EvalTime { get; set; } = "";
    public string Alertname { get; set; } = "";
    public List<ExpectedAlert> ExpAlerts { get; set; } = [];
}

internal sealed class ExpectedAlert
{
    public Dictionary<string, string> ExpLabels { get; set; } = [];
    public Dictionary<string, string> ExpAnnotations { get; set; } = [];
}
