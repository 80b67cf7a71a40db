using System.Net;
using System.Net.Http.Json;

namespace Donations.EndToEndTests;

/// <summary>Keys open only their own NGO, and only as far as their role allows.</summary>
[Collection(SystemCollection.Name)]
public class AccessTests(DonationsSystem system)
{
    [Fact]
    public async Task Requests_without_a_key_or_with_an_unknown_key_are_401()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        using var anonymousIngestion = system.Client(system.Ingestion);
        using var anonymousReporting = system.Client(system.Reporting);
        using var strangerReporting = system.Client(system.Reporting, "vie_made_up_key");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymousIngestion.PostAsJsonAsync("/api/ngos", new { id = "sneaky", name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymousIngestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/posts", new { id = "wall-1_1", campaignId = "c" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymousReporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/summary")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await strangerReporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/summary")).StatusCode);
    }

    [Fact]
    public async Task Another_ngos_keys_open_nothing()
    {
        var mine = await Scenario.NewNgoAsync(system);
        var theirs = await Scenario.NewNgoAsync(system);
        await mine.PostGenericAsync(Scenario.DonationBody("tx-private", 42_00));
        var donation = await mine.DonationAsync("tx-private");
        using var theirManager = system.Client(system.Ingestion, theirs.ManagerKey);
        using var theirViewer = system.Client(system.Reporting, theirs.ViewerKey);

        Assert.Equal(HttpStatusCode.Forbidden, (await theirManager.PostAsJsonAsync($"/api/ngos/{mine.NgoId}/posts", new { id = "wall-1_1", campaignId = "c" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await theirManager.PutAsJsonAsync($"/api/ngos/{mine.NgoId}/providers/generic", new { secret = "0123456789abcdef0123" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await theirViewer.GetAsync($"/api/ngos/{mine.NgoId}/reports/summary")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await theirViewer.GetAsync($"/api/ngos/{mine.NgoId}/donations?providerTxId=tx-private")).StatusCode);
        // Their own routes with my donation's id find nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await theirViewer.GetAsync($"/api/ngos/{theirs.NgoId}/donations/{donation["id"]}")).StatusCode);
        Assert.Empty((await theirViewer.GetFromJsonAsync<List<object>>($"/api/ngos/{theirs.NgoId}/donations?providerTxId=tx-private"))!);
    }

    [Fact]
    public async Task A_viewer_key_reads_but_cannot_manage_and_only_the_admin_key_creates_ngos()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        using var viewerAtIngestion = system.Client(system.Ingestion, ngo.ViewerKey);
        using var managerAtIngestion = system.Client(system.Ingestion, ngo.ManagerKey);
        using var adminAtReporting = system.Client(system.Reporting, DonationsSystem.AdminKey);

        Assert.Equal(HttpStatusCode.Forbidden, (await viewerAtIngestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/posts", new { id = "wall-1_1", campaignId = "c" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await managerAtIngestion.PostAsJsonAsync("/api/ngos", new { id = "another-ngo", name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await adminAtReporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/summary")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/summary")).StatusCode);
    }

    [Fact]
    public async Task An_ngo_id_cannot_be_registered_twice()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        using var admin = system.Client(system.Ingestion, DonationsSystem.AdminKey);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/ngos", new { id = ngo.NgoId, name = "Twin" })).StatusCode);
    }
}

/// <summary>What every service offers an operator and an integrator without a key.</summary>
[Collection(SystemCollection.Name)]
public class ServiceSurfaceTests(DonationsSystem system)
{
    [Fact]
    public async Task Every_service_has_health_an_openapi_document_and_an_api_page()
    {
        foreach (var service in new[] { system.Ingestion, system.Attribution, system.Reporting })
        {
            using var http = new HttpClient { BaseAddress = service.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
            var ready = await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/health/ready");
            Assert.Equal("Healthy", ready!["status"]!.GetValue<string>());
            Assert.Equal(["event-forwarding", "masstransit-bus", "postgresql"], ready["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).Order());
            var openApi = await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/openapi/v1.json");
            Assert.NotEmpty(openApi!["paths"]!.AsObject());
            var page = await http.GetAsync("/api-docs/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType);
        }
    }
}

/// <summary>The numbers an on-call engineer scrapes: webhooks, donations, clicks, attribution lag, forwarding.</summary>
[Collection(SystemCollection.Name)]
public class MetricsTests(DonationsSystem system)
{
    [Fact]
    public async Task Prometheus_metrics_count_webhooks_donations_and_clicks_and_time_the_attribution_lag()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-9201_1", "metrics"));
        var click = await ngo.ClickAsync(code);
        await ngo.ClickAsync(code, "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)");
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-metrics", 100_00, click));
        await ngo.PostGenericAsync("{broken", signature: "t=1,v1=00");
        await ngo.DonationAsync("tx-metrics", "attributed");

        using var http = new HttpClient();
        var ingestion = await http.GetStringAsync(new Uri(system.Ingestion.BaseAddress, "/metrics"));
        Assert.Matches("donations_webhooks_total\\{[^}]*provider=\"generic\"[^}]*status=\"200\"", ingestion);
        Assert.Matches("donations_webhooks_total\\{[^}]*provider=\"generic\"[^}]*status=\"401\"", ingestion);
        Assert.Matches("donations_donations_total\\{[^}]*currency=\"RUB\"[^}]*provider=\"generic\"", ingestion);
        Assert.Matches("donations_clicks_total\\{[^}]*kind=\"bot\"", ingestion);
        Assert.Matches("donations_clicks_total\\{[^}]*kind=\"human\"", ingestion);
        Assert.Contains("donations_forwarder_lag", ingestion);

        var reporting = await http.GetStringAsync(new Uri(system.Reporting.BaseAddress, "/metrics"));
        Assert.Matches("donations_attribution_lag\\w*_bucket\\{[^}]*provider=\"generic\"", reporting);
        Assert.Matches("donations_decisions_total\\{[^}]*status=\"attributed\"", reporting);
    }
}
