using System.Text.Json;
using static Donations.UnitTests.Monitoring.Monitoring;

namespace Donations.UnitTests.Monitoring;

/// <summary>
/// The catalog (infra/prometheus/metrics.txt) against the code: every donations.* instrument is listed under the name and
/// type the OpenTelemetry exporter gives it, every donations_* entry is either in the code or a declared contract, and
/// every entry is used by an alert or the dashboard.
/// </summary>
public class MetricCatalogTests
{
    [Fact]
    public void The_catalog_lists_every_instrument_the_code_creates_under_its_exported_name_and_type()
    {
        var catalog = MetricCatalog.Read();
        var instruments = MetricCatalog.InstrumentsInSource();
        Assert.NotEmpty(instruments);
        foreach (var instrument in instruments)
        {
            var family = catalog.Families.FirstOrDefault(f => f.Name == instrument.PrometheusName);
            Assert.True(family is not null, $"{instrument.SourceFile} creates {instrument.Name}; add {instrument.PrometheusName} to infra/prometheus/metrics.txt");
            Assert.Equal(instrument.Type, family!.Type);
            Assert.False(family.IsContract, $"{family.Name} is in the code now; list who exposes it instead of the contract");
        }
    }

    [Fact]
    public void Every_donations_metric_in_the_catalog_is_created_by_the_code_or_is_a_declared_contract()
    {
        var exported = MetricCatalog.InstrumentsInSource().Select(i => i.PrometheusName).ToHashSet();
        foreach (var family in MetricCatalog.Read().Families.Where(f => f.Name.StartsWith("donations_", StringComparison.Ordinal)))
            Assert.True(exported.Contains(family.Name) || family.IsContract, $"{family.Name} is catalogued but no code creates it");
    }

    [Fact]
    public void The_exporter_naming_rules_give_the_names_seen_at_metrics()
    {
        // As curled from a running service's /metrics (OpenTelemetry.Exporter.Prometheus.AspNetCore 1.20.1-beta.1).
        Assert.Equal("donations_forwarder_lag_milliseconds", new MetricCatalog.Instrument("donations.forwarder.lag", "Histogram", "ms", "").PrometheusName);
        Assert.Equal("donations_webhooks_total", new MetricCatalog.Instrument("donations.webhooks", "Counter", "{webhook}", "").PrometheusName);
        Assert.Equal("donations_group_commit_batch_size_writes", new MetricCatalog.Instrument("donations.group_commit.batch_size", "Histogram", "writes", "").PrometheusName);
        Assert.Equal("donations_reconciliation_mismatched", new MetricCatalog.Instrument("donations.reconciliation.mismatched", "ObservableGauge", "{donation}", "").PrometheusName);
        Assert.Throws<NotSupportedException>(() => new MetricCatalog.Instrument("donations.x", "Counter", "km/h", "").PrometheusName);
    }

    [Fact]
    public void Every_catalogued_metric_is_used_by_an_alert_or_the_dashboard()
    {
        var used = Alerts().SelectMany(a => MetricNames(a.Expr))
            .Concat(DashboardTests.Exprs(JsonDocument.Parse(File.ReadAllText(DashboardFile))).SelectMany(e => MetricNames(e.Expr)))
            .ToHashSet();
        foreach (var family in MetricCatalog.Read().Families)
            Assert.True(family.SeriesNames.Any(used.Contains), $"{family.Name} is catalogued but nothing reads it");
    }
}
