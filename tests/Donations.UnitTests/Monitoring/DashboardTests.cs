using System.Text.Json;
using static Donations.UnitTests.Monitoring.Monitoring;

namespace Donations.UnitTests.Monitoring;

/// <summary>
/// infra/grafana/donations.json: a Grafana dashboard whose every panel queries the Prometheus data source chosen on import
/// with PromQL that promtool parses, reading only catalogued metrics — and showing every metric an alert reads.
/// </summary>
public class DashboardTests
{
    private const string DatasourceUid = "${datasource}";

    private static readonly Lazy<JsonDocument> Dashboard = new(() => JsonDocument.Parse(File.ReadAllText(DashboardFile)));

    private static JsonElement Root => Dashboard.Value.RootElement;

    private static IEnumerable<JsonElement> Panels => Root.GetProperty("panels").EnumerateArray();

    public sealed record Query(string Panel, string RefId, string Expr);

    public static IReadOnlyList<Query> Exprs(JsonDocument dashboard) => dashboard.RootElement.GetProperty("panels").EnumerateArray()
        .SelectMany(p => p.GetProperty("targets").EnumerateArray()
            .Select(t => new Query(p.GetProperty("title").GetString()!, t.GetProperty("refId").GetString()!, t.GetProperty("expr").GetString()!)))
        .ToList();

    [Fact]
    public void Dashboard_has_a_uid_a_title_and_a_Prometheus_datasource_variable()
    {
        Assert.False(string.IsNullOrEmpty(Root.GetProperty("uid").GetString()));
        Assert.False(string.IsNullOrEmpty(Root.GetProperty("title").GetString()));
        Assert.True(Root.GetProperty("schemaVersion").GetInt32() > 0);
        var variable = Root.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Single(v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal("datasource", variable.GetProperty("type").GetString());
        Assert.Equal("prometheus", variable.GetProperty("query").GetString());
    }

    [Fact]
    public void Every_panel_queries_the_Prometheus_datasource_with_at_least_one_expr()
    {
        Assert.NotEmpty(Panels);
        Assert.Equal(Panels.Count(), Panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (var panel in Panels)
        {
            var title = panel.GetProperty("title").GetString();
            Assert.False(string.IsNullOrWhiteSpace(title));
            Assert.Equal("prometheus", panel.GetProperty("datasource").GetProperty("type").GetString());
            Assert.Equal(DatasourceUid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.True(targets.Count > 0, $"panel '{title}' has no query");
            Assert.Equal(targets.Count, targets.Select(t => t.GetProperty("refId").GetString()).Distinct().Count());
            foreach (var target in targets)
            {
                Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("expr").GetString()), $"panel '{title}' has an empty query");
                if (target.TryGetProperty("datasource", out var ds)) Assert.Equal(DatasourceUid, ds.GetProperty("uid").GetString());
            }
        }
    }

    [Fact]
    public void Panels_fit_the_24_column_grid_without_overlapping()
    {
        var boxes = Panels.Select(p => p.GetProperty("gridPos"))
            .Select(g => (X: g.GetProperty("x").GetInt32(), Y: g.GetProperty("y").GetInt32(), W: g.GetProperty("w").GetInt32(), H: g.GetProperty("h").GetInt32()))
            .ToList();
        Assert.All(boxes, b => Assert.True(b.X >= 0 && b.W > 0 && b.H > 0 && b.X + b.W <= 24, $"{b} is off the grid"));
        for (var i = 0; i < boxes.Count; i++)
        for (var j = i + 1; j < boxes.Count; j++)
        {
            var (a, b) = (boxes[i], boxes[j]);
            Assert.False(a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H, $"panels {a} and {b} overlap");
        }
    }

    [Fact]
    public void Every_query_reads_only_catalogued_metrics()
    {
        var catalog = MetricCatalog.Read();
        foreach (var query in Exprs(Dashboard.Value))
        {
            var names = MetricNames(query.Expr);
            Assert.NotEmpty(names);
            Assert.All(names, name => Assert.True(catalog.FamilyOf(name) is not null,
                $"panel '{query.Panel}' reads {name}, which infra/prometheus/metrics.txt does not list"));
        }
    }

    [Fact]
    public void Every_metric_an_alert_reads_is_on_the_dashboard()
    {
        var catalog = MetricCatalog.Read();
        var shown = Exprs(Dashboard.Value).SelectMany(q => MetricNames(q.Expr)).Select(n => catalog.FamilyOf(n)!.Name).ToHashSet();
        foreach (var rule in Alerts())
        foreach (var name in MetricNames(rule.Expr))
            Assert.True(shown.Contains(catalog.FamilyOf(name)!.Name), $"{rule.Alert} reads {name}; no panel shows it");
    }

    [Fact]
    public void Every_query_is_PromQL_that_promtool_parses()
    {
        // Each query becomes a recording rule; Grafana's $__rate_interval stands for a range, any other variable is refused.
        var rules = new System.Text.StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        var index = 0;
        foreach (var query in Exprs(Dashboard.Value))
        {
            var expr = query.Expr.Replace("$__rate_interval", "5m");
            Assert.False(expr.Contains('$'), $"panel '{query.Panel}' uses a variable this test cannot check: {query.Expr}");
            rules.Append($"      - record: dashboard:query_{index++}\n        expr: {JsonSerializer.Serialize(expr)}\n");
        }
        var directory = Directory.CreateTempSubdirectory("donations-dashboard-").FullName;
        var file = Path.Combine(directory, "dashboard-rules.yml");
        File.WriteAllText(file, rules.ToString());

        var result = Promtool(directory, "check", "rules", file);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"SUCCESS: {index} rules found", result.Output);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void A_query_promtool_cannot_parse_fails_that_check()
    {
        var directory = Directory.CreateTempSubdirectory("donations-dashboard-").FullName;
        var file = Path.Combine(directory, "broken.yml");
        File.WriteAllText(file, "groups:\n  - name: dashboard\n    rules:\n      - record: dashboard:broken\n        expr: \"sum by (job (rate(donations_webhooks_total[5m]))\"\n");

        var result = Promtool(directory, "check", "rules", file);

        Assert.NotEqual(0, result.ExitCode);
        Directory.Delete(directory, recursive: true);
    }
}
