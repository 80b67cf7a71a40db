using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Donations.EndToEndTests;

/// <summary>Outgoing webhooks to a local receiver that fails, times out and recovers, as an NGO's server would.</summary>
[Collection(SystemCollection.Name)]
public class OutgoingWebhooksTests(DonationsSystem system)
{
    private WebhookReceiver Receiver => system.Receiver;

    private sealed record Endpoint(string Id, string Secret, string Name);

    private HttpClient Manager(Scenario ngo) => system.Client(system.Reporting, ngo.ManagerKey);

    private async Task<Endpoint> RegisterAsync(Scenario ngo, string name, string[]? events = null, int then = 200, params int[] script)
    {
        var response = await Manager(ngo).PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/webhook-endpoints", new { url = Receiver.Url(name), events });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var endpoint = new Endpoint(created.Str("id"), created.Str("secret"), name);
        Receiver.Expect(name, endpoint.Secret, then, script);
        return endpoint;
    }

    private static string Name() => $"r{Guid.NewGuid():N}"[..12];

    private async Task<JsonObject> EndpointAsync(Scenario ngo, Endpoint endpoint) =>
        (await Manager(ngo).GetFromJsonAsync<JsonObject>($"/api/ngos/{ngo.NgoId}/webhook-endpoints/{endpoint.Id}"))!;

    private async Task<JsonArray> DeliveriesAsync(Scenario ngo, Endpoint endpoint) =>
        (await Manager(ngo).GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/webhook-endpoints/{endpoint.Id}/deliveries"))!;

    private async Task<WebhookReceiver.Received> ReceivedAsync(Endpoint endpoint, Func<WebhookReceiver.Received, bool> which, string what, int seconds = 30)
    {
        WebhookReceiver.Received? found = null;
        await Eventually.Async(() => Task.FromResult((found = Receiver.At(endpoint.Name).FirstOrDefault(which)) is not null), what, seconds);
        return found!;
    }

    private static bool Answered200(WebhookReceiver.Received r) => r.Answered == 200;

    private static async Task DonateAsync(Scenario ngo, string txId, long amountMinor, string? fundraiserId = null) =>
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody(txId, amountMinor, fundraiserId: fundraiserId))).StatusCode);

    [Fact]
    public async Task The_secret_is_shown_once_bad_registrations_are_refused_and_only_the_ngos_manager_may_see_its_endpoints()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var endpoint = await RegisterAsync(ngo, Name());
        Assert.StartsWith("whsec_", endpoint.Secret);
        var listed = (await Manager(ngo).GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/webhook-endpoints"))!;
        var only = Assert.Single(listed)!.AsObject();
        Assert.False(only.ContainsKey("secret"));
        Assert.Equal(["donation.attributed", "donation.refunded", "fundraiser.goal_reached", "fundraiser.ended"], only["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.DoesNotContain(endpoint.Secret, await Manager(ngo).GetStringAsync($"/api/ngos/{ngo.NgoId}/webhook-endpoints/{endpoint.Id}"));

        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { url = "not a url" }, "'url'"), (new { url = "ftp://example.org/hook" }, "'url'"),
                     (new { url = Receiver.Url("x"), events = new[] { "donation.created" } }, "'events'"),
                 })
        {
            var refused = await Manager(ngo).PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/webhook-endpoints", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains(field, (await refused.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail"));
        }

        var viewer = system.Client(system.Reporting, ngo.ViewerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/api/ngos/{ngo.NgoId}/webhook-endpoints")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/webhook-endpoints", new { url = Receiver.Url("x") })).StatusCode);
        var other = await Scenario.NewNgoAsync(system);
        Assert.Equal(HttpStatusCode.Forbidden, (await Manager(other).GetAsync($"/api/ngos/{ngo.NgoId}/webhook-endpoints/{endpoint.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Manager(other).GetAsync($"/api/ngos/{other.NgoId}/webhook-endpoints/{endpoint.Id}")).StatusCode);
    }

    [Fact]
    public async Task A_receiver_that_fails_then_times_out_then_recovers_gets_the_event_signed_under_one_id_and_the_log_shows_each_attempt()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var endpoint = await RegisterAsync(ngo, Name(), ["donation.attributed"], 200, 500, 500, WebhookReceiver.Silence);
        await DonateAsync(ngo, "out-tx-1", 1_234_00);

        var delivered = await ReceivedAsync(endpoint, Answered200, "the event is delivered after two failures and a timeout");
        var attempts = Receiver.At(endpoint.Name);
        Assert.Equal([500, 500, WebhookReceiver.Silence, 200], attempts.Select(a => a.Answered));
        Assert.All(attempts, a => Assert.True(a.Verified, "every attempt is signed per Standard Webhooks with the endpoint's secret"));
        Assert.Single(attempts.Select(a => a.WebhookId).Distinct());
        Assert.Equal("donation.attributed", delivered.Type);
        Assert.Equal(("out-tx-1", 1_234_00L, "RUB"), (delivered.Data.Str("providerTxId"), delivered.Data.Long("amountMinor"), delivered.Data.Str("currency")));
        Assert.Equal("unattributed", delivered.Data.Str("status"));

        JsonObject? log = null;
        await Eventually.Async(async () => (log = (await DeliveriesAsync(ngo, endpoint)).Single()!.AsObject()).Str("status") == "delivered", "the log shows it delivered");
        Assert.Equal(4, log!["attempts"]!.GetValue<int>());
        Assert.Equal(delivered.WebhookId, log.Str("messageId"));
        var entries = log["log"]!.AsArray();
        Assert.Equal([500, 500, (int?)null, 200], entries.Select(e => e!["statusCode"]?.GetValue<int?>()));
        Assert.All(entries, e => Assert.True(e!["latencyMs"]!.GetValue<long>() >= 0));
        Assert.Contains("No answer", entries[2]!.Str("error"));
        Assert.Equal(200, log["lastStatusCode"]!.GetValue<int>());
        Assert.True((await EndpointAsync(ngo, endpoint))["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_refund_a_reached_goal_and_an_ended_fundraiser_are_each_one_event_to_the_endpoints_that_listen_for_them()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var endpoint = await RegisterAsync(ngo, Name(), ["donation.refunded", "fundraiser.goal_reached", "fundraiser.ended"]);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(12);
        var registered = await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/fundraisers",
            new { id = "roof", title = "Крыша приюта", goal = new { amountMinor = 1_000_00, currency = "RUB" }, deadline });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        await Eventually.Async(async () => (await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/fundraisers/roof")).StatusCode == HttpStatusCode.OK,
            "Reporting knows the fundraiser");

        await DonateAsync(ngo, "roof-1", 1_000_00, fundraiserId: "roof");
        var reached = await ReceivedAsync(endpoint, r => r.Type == "fundraiser.goal_reached", "the goal is reported reached");
        Assert.Equal(("roof", 1_000_00L, 1_000_00L), (reached.Data.Str("fundraiserId"), reached.Data.Long("goalMinor"), reached.Data.Long("raisedMinor")));

        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.RefundBody("roof-1-refund", "roof-1", 100_00))).StatusCode);
        var refunded = await ReceivedAsync(endpoint, r => r.Type == "donation.refunded", "the refund is reported");
        Assert.Equal(("roof-1", 100_00L), (refunded.Data.Str("providerTxId"), refunded.Data.Long("refundedMinor")));

        var ended = await ReceivedAsync(endpoint, r => r.Type == "fundraiser.ended", "the end is reported");
        Assert.Equal((9_00_00L, "ended short"), (ended.Data.Long("raisedMinor"), ended.Data.Str("status")));

        await DonateAsync(ngo, "roof-late", 5_00);
        await ngo.DonationAsync("roof-late");
        var types = Receiver.At(endpoint.Name).Select(r => r.Type).ToList();
        Assert.Equal(1, types.Count(t => t == "fundraiser.goal_reached"));
        Assert.Equal(1, types.Count(t => t == "fundraiser.ended"));
        Assert.DoesNotContain("donation.attributed", types);
    }

    [Fact]
    public async Task A_410_disables_the_endpoint_at_once_what_comes_meanwhile_waits_and_a_replay_sends_the_refused_one_again()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var gone = await RegisterAsync(ngo, Name(), ["donation.attributed"], 200, 410);
        var witness = await RegisterAsync(ngo, Name(), ["donation.attributed"]);
        await DonateAsync(ngo, "gone-1", 10_00);
        await ReceivedAsync(gone, r => r.Answered == 410, "the receiver answers 410");
        await Eventually.Async(async () => !(await EndpointAsync(ngo, gone))["enabled"]!.GetValue<bool>(), "the endpoint is disabled");
        Assert.Contains("410", (await EndpointAsync(ngo, gone)).Str("disabledReason"));

        await DonateAsync(ngo, "gone-2", 20_00);
        await ReceivedAsync(witness, r => r.Data.Str("providerTxId") == "gone-2", "the other endpoint gets the second donation");
        Assert.Single(Receiver.At(gone.Name));

        var enabled = await Manager(ngo).PutAsJsonAsync($"/api/ngos/{ngo.NgoId}/webhook-endpoints/{gone.Id}", new { enabled = true });
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        await ReceivedAsync(gone, r => r.Data.Str("providerTxId") == "gone-2" && Answered200(r), "the waiting event goes once the endpoint is enabled");

        var refused = (await DeliveriesAsync(ngo, gone)).Select(d => d!.AsObject()).Single(d => d.Str("status") == "failed");
        Assert.Equal(410, refused["lastStatusCode"]!.GetValue<int>());
        var replay = await Manager(ngo).PostAsync($"/api/ngos/{ngo.NgoId}/webhook-endpoints/{gone.Id}/deliveries/{refused.Str("id")}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var again = await ReceivedAsync(gone, r => r.Data.Str("providerTxId") == "gone-1" && Answered200(r), "the replay delivers the refused event");
        Assert.Equal(refused.Str("messageId"), again.WebhookId);
    }

    [Fact]
    public async Task An_endpoint_that_keeps_failing_is_disabled_after_sustained_failure()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var endpoint = await RegisterAsync(ngo, Name(), ["donation.attributed"], then: 500);
        await DonateAsync(ngo, "failing-1", 10_00);
        await Eventually.Async(async () => !(await EndpointAsync(ngo, endpoint))["enabled"]!.GetValue<bool>(), "the endpoint is disabled", seconds: 90);
        Assert.Contains("failed since", (await EndpointAsync(ngo, endpoint)).Str("disabledReason"));
        Assert.True(Receiver.At(endpoint.Name).Count > 2);
        Assert.All(Receiver.At(endpoint.Name), r => Assert.Equal(500, r.Answered));
    }

    [Fact]
    public async Task A_revision_delivered_twice_is_one_event()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var endpoint = await RegisterAsync(ngo, Name(), ["donation.attributed"]);
        await DonateAsync(ngo, "twice-1", 10_00);
        var first = await ReceivedAsync(endpoint, Answered200, "the first revision arrives");
        var revision = JsonSerializer.Deserialize<Donations.Contracts.Attribution.DonationAttributed>(
            JsonSerializer.Serialize(new
            {
                ngoId = ngo.NgoId, donationId = first.Data.Str("donationId"), revision = 1, cause = "received", provider = "generic", providerTxId = "twice-1",
                amountMinor = 10_00, refundedMinor = 0, currency = "RUB", occurredAt = DateTimeOffset.UtcNow, status = "unattributed", rule = "none",
                reason = "no click id", model = "last-click", lookbackDays = 30, settingsVersion = 1, credits = Array.Empty<object>(), decidedAt = DateTimeOffset.UtcNow,
            }), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        await system.PublishAsync(revision, Guid.NewGuid());
        await DonateAsync(ngo, "twice-2", 20_00);
        await ReceivedAsync(endpoint, r => r.Data.Str("providerTxId") == "twice-2", "a later donation arrives");
        Assert.Single(Receiver.At(endpoint.Name), r => r.Data.Str("providerTxId") == "twice-1");
    }

    [Fact]
    public async Task Nothing_is_lost_across_a_kill_and_restart_of_the_sender()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var endpoint = await RegisterAsync(ngo, Name(), ["donation.attributed"], then: 503);
        var before = Enumerable.Range(1, 5).Select(i => $"restart-a{i}").ToList();
        foreach (var tx in before) await DonateAsync(ngo, tx, 10_00);
        await Eventually.Async(() => Task.FromResult(Receiver.At(endpoint.Name).Select(r => r.Data.Str("providerTxId")).Distinct().Count() == before.Count),
            "each event has been tried and refused");

        var reporting = system.Reporting;
        await reporting.KillAsync();
        // The receiver recovers while the sender is down, so a slow restart cannot outlast the auto-disable window.
        Receiver.Then(endpoint.Name, 200);
        var during = Enumerable.Range(1, 5).Select(i => $"restart-b{i}").ToList();
        foreach (var tx in during) await DonateAsync(ngo, tx, 20_00);
        await system.KillAndRestartAsync(reporting, TimeSpan.Zero);

        await Eventually.Async(() => Task.FromResult(Receiver.At(endpoint.Name).Where(Answered200).Select(r => r.Data.Str("providerTxId")).ToHashSet()
            .SetEquals(before.Concat(during))), "every event, from before and during the restart, is delivered", seconds: 60);
    }

    [Fact]
    public async Task A_manager_adds_an_endpoint_on_the_webhooks_page_sees_its_secret_once_and_reads_the_delivery_log()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var name = Name();
        await using var app = await Browser.AppBrowser.OpenAsync(system.Web.BaseAddress);
        await app.SignInAsync(ngo.NgoId, ngo.ManagerKey);
        await app.OpenAsync("/setup/webhooks");
        var page = app.Page;
        await page.GetByTestId("url").FillAsync(Receiver.Url(name));
        await page.GetByTestId("add").ClickAsync();

        await Assertions.Expect(page.GetByTestId("secret")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^whsec_"));
        var secret = await page.GetByTestId("secret").TextContentAsync();
        await Assertions.Expect(page.GetByTestId("endpoint-state")).ToHaveTextAsync("включена");
        await app.ShotAsync("endpoint-added");
        var endpoint = (await Manager(ngo).GetFromJsonAsync<JsonArray>($"/api/ngos/{ngo.NgoId}/webhook-endpoints"))!.Single()!;
        Assert.Equal(Receiver.Url(name), endpoint.Str("url"));
        Receiver.Expect(name, secret!);

        await DonateAsync(ngo, "page-1", 42_00);
        var added = new Endpoint(endpoint.Str("id"), secret!, name);
        Assert.True((await ReceivedAsync(added, Answered200, "the page's endpoint receives the donation")).Verified);
        await Eventually.Async(async () => (await DeliveriesAsync(ngo, added)).Single()!.Str("status") == "delivered", "the delivery is logged");
        await page.GetByTestId("show-log").ClickAsync();
        await Assertions.Expect(page.GetByTestId("delivery-status")).ToHaveTextAsync("доставлено");
        await Assertions.Expect(page.GetByTestId("delivery-code")).ToHaveTextAsync("200");
        await app.ShotAsync("delivery-log");

        await page.ReloadAsync();
        await app.WaitReadyAsync();
        Assert.DoesNotContain(secret!, await page.ContentAsync());
    }
}
