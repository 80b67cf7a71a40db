using static Donations.UnitTests.Monitoring.Monitoring;

namespace Donations.UnitTests.Monitoring;

/// <summary>
/// infra/prometheus: promtool accepts the rules and the scrape configuration, the rules pass their unit tests (and a
/// broken rule file or a weakened rule is caught), every alert is on-call ready (severity, summary, a runbook section,
/// tests that fire it and tests that must not), and every metric a rule reads is one the system exposes.
/// </summary>
public class AlertRulesTests
{
    private static readonly string[] Severities = ["critical", "warning"];

    [Fact]
    public void Promtool_accepts_the_rules()
    {
        var result = Promtool(PrometheusDirectory, "check", "rules", AlertsFile);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"SUCCESS: {Alerts().Count} rules found", result.Output);
    }

    [Fact]
    public void The_rules_pass_their_promtool_unit_tests()
    {
        var result = Promtool(PrometheusDirectory, "test", "rules", AlertTestsFile);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("SUCCESS", result.Output);
        Assert.DoesNotContain("FAILED", result.Output);
    }

    [Fact]
    public void A_broken_rule_file_is_rejected()
    {
        var directory = ScratchCopy(AlertsFile);
        var broken = Path.Combine(directory, "alerts.yml");
        var text = File.ReadAllText(broken);
        const string Expr = "max by (job) (donations_reconciliation_mismatched) > 0";
        Assert.Contains(Expr, text);
        File.WriteAllText(broken, text.Replace(Expr, "max by (job) (donations_reconciliation_mismatched > 0"));

        var result = Promtool(directory, "check", "rules", broken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("FAILED", result.Output);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void A_rule_weakened_so_it_no_longer_fires_fails_its_unit_test()
    {
        var directory = ScratchCopy(AlertsFile, AlertTestsFile);
        var rules = Path.Combine(directory, "alerts.yml");
        var text = File.ReadAllText(rules);
        Assert.Contains("[5m]))) > 5000", text);
        File.WriteAllText(rules, text.Replace("[5m]))) > 5000", "[5m]))) > 50000"));

        var result = Promtool(directory, "test", "rules", Path.Combine(directory, "alerts.test.yml"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("DonationsForwarderLagHigh", result.Output);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void Every_rule_is_an_alert_with_severity_summary_description_and_a_runbook_section()
    {
        var anchors = RunbookAnchors();
        Assert.NotEmpty(Alerts());
        Assert.Equal(Alerts().Count, Alerts().Select(a => a.Alert).Distinct().Count());
        foreach (var rule in Alerts())
        {
            Assert.False(string.IsNullOrEmpty(rule.Alert), $"a recording rule or a rule without a name: {rule.Expr}");
            Assert.Contains(rule.Labels.GetValueOrDefault("severity"), Severities);
            Assert.False(string.IsNullOrWhiteSpace(rule.For), $"{rule.Alert}: no 'for', so one bad scrape pages someone");
            Assert.False(string.IsNullOrWhiteSpace(rule.Annotations.GetValueOrDefault("summary")), rule.Alert);
            Assert.False(string.IsNullOrWhiteSpace(rule.Annotations.GetValueOrDefault("description")), rule.Alert);
            var runbook = rule.Annotations.GetValueOrDefault("runbook_url") ?? "";
            Assert.StartsWith("docs/runbook.md#", runbook);
            Assert.True(anchors.Contains(runbook.Split('#')[1]), $"{rule.Alert}: docs/runbook.md has no section for {runbook}");
            Assert.Contains(rule.Alert!, File.ReadAllText(RunbookFile));
        }
    }

    [Fact]
    public void Every_alert_has_unit_tests_that_fire_it_and_tests_where_it_must_stay_silent()
    {
        var tests = ReadYaml<RuleTestFile>(AlertTestsFile);
        Assert.Equal(["alerts.yml"], tests.RuleFiles);
        var evaluations = tests.Tests.SelectMany(t => t.AlertRuleTests).ToList();
        foreach (var alert in Alerts().Select(a => a.Alert!))
        {
            Assert.True(evaluations.Any(e => e.Alertname == alert && e.ExpAlerts.Count > 0), $"{alert}: no test makes it fire");
            Assert.True(evaluations.Any(e => e.Alertname == alert && e.ExpAlerts.Count == 0), $"{alert}: no test where it must not fire");
        }
        Assert.All(evaluations, e => Assert.Contains(e.Alertname, Alerts().Select(a => a.Alert)));
        // Expected alerts carry the annotations too, so the templates an on-call engineer reads are tested.
        Assert.All(evaluations.SelectMany(e => e.ExpAlerts), a => Assert.Contains("summary", a.ExpAnnotations.Keys));
    }

    [Fact]
    public void Rules_and_their_test_series_read_only_catalogued_metrics()
    {
        var catalog = MetricCatalog.Read();
        foreach (var rule in Alerts())
        {
            var names = MetricNames(rule.Expr);
            Assert.NotEmpty(names);
            Assert.All(names, name => Assert.True(catalog.FamilyOf(name) is not null, $"{rule.Alert} reads {name}, which infra/prometheus/metrics.txt does not list"));
        }
        var series = ReadYaml<RuleTestFile>(AlertTestsFile).Tests.SelectMany(t => t.InputSeries).Select(s => s.Series.Split('{')[0].Trim());
        Assert.All(series, name => Assert.True(catalog.FamilyOf(name) is not null, $"a test feeds {name}, which the system does not expose"));
    }

    [Fact]
    public void Metric_names_are_read_out_of_PromQL_and_nothing_else()
    {
        var names = MetricNames("""
            histogram_quantile(0.99, sum by (job, le) (rate(a_bucket{job=~"x|y", le!="1e3"}[5m] offset 1h))) > 5e3
            unless on (job) sum without (instance) (increase(b_total[10m:1m])) / ignoring(status) group_left(provider) c or vector(0) and bool d
            """);
        Assert.Equal(new HashSet<string> { "a_bucket", "b_total", "c", "d" }, names);
    }

    [Fact]
    public void Prometheus_config_is_valid_scrapes_the_three_services_and_RabbitMQ_on_loopback_and_alerts_Alertmanager()
    {
        var result = Promtool(PrometheusDirectory, "check", "config", ConfigFile);
        Assert.True(result.ExitCode == 0, result.Output);

        var text = File.ReadAllText(ConfigFile);
        foreach (var target in new[] { "127.0.0.1:5101", "127.0.0.1:5102", "127.0.0.1:5103", "127.0.0.1:15692", "127.0.0.1:9093" })
            Assert.Contains($"\"{target}\"", text);
        Assert.Contains("metrics_path: /metrics/detailed", text);
        Assert.Contains("family: [queue_coarse_metrics]", text);
        // The target-down alert names the scrape jobs; a job renamed in one file only would silence it.
        var jobs = System.Text.RegularExpressions.Regex.Matches(text, @"job_name:\s*(\S+)").Select(m => m.Groups[1].Value).Order();
        var down = Alerts().Single(a => a.Alert == "DonationsTargetDown").Expr;
        Assert.Equal(jobs, System.Text.RegularExpressions.Regex.Match(down, "job=~\"([^\"]+)\"").Groups[1].Value.Split('|').Order());
    }
}
