using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Donations.Testing;

namespace Donations.EndToEndTests;

[Collection(SystemCollection.Name)]
public class ForwardingTests(DonationsSystem system)
{
    private const string CampaignExchange = "Donations.Contracts.Ingestion:CampaignRegistered";

    /// <summary>
    /// An event no queue takes — here a campaign, after its only binding (to Reporting's catalog) is removed, as when a
    /// consumer is not deployed — is kept in Ingestion's dead-letter store and counted, and the forwarder goes on: a
    /// donation accepted after it reaches the reports.
    /// </summary>
    [Fact]
    public async Task An_event_no_queue_takes_is_dead_lettered_and_the_events_after_it_still_flow()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        using var management = LocalSystem.RabbitManagementClient();
        var vhost = Uri.EscapeDataString(system.Run);
        var source = Uri.EscapeDataString(CampaignExchange);
        var bindings = (await management.GetFromJsonAsync<JsonArray>($"exchanges/{vhost}/{source}/bindings/source"))!
            .Select(b => (Destination: b!["destination"]!.GetValue<string>(), Type: b["destination_type"]!.GetValue<string>(), Key: b["properties_key"]!.GetValue<string>()))
            .ToList();
        Assert.NotEmpty(bindings);
        var before = await DeadLetteredAsync();
        try
        {
            foreach (var b in bindings)
                (await management.DeleteAsync($"bindings/{vhost}/e/{source}/{b.Type[0]}/{Uri.EscapeDataString(b.Destination)}/{Uri.EscapeDataString(b.Key)}")).EnsureSuccessStatusCode();

            var campaign = await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns",
                new { id = "unroutable", name = "Кампания без очереди", startsAt = DateTimeOffset.UtcNow.AddDays(-1) });
            Assert.Equal(HttpStatusCode.Created, campaign.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody("tx-after-unroutable", 700_00))).StatusCode);

            Assert.Equal(700_00, (await ngo.DonationAsync("tx-after-unroutable"))["amountMinor"]!.GetValue<long>());
            await Eventually.Async(async () => (await system.QuerySqlAsync("ingestion",
                    "select data->>'eventType' from mt_doc_unroutableevent where data->>'eventType' = 'campaign_registered' and data->>'returnedAt' is not null")).Count >= 1,
                "the campaign event is in the dead-letter store");
            Assert.True(await DeadLetteredAsync() > before, "donations_forwarder_dead_lettered_total grew");
        }
        finally
        {
            foreach (var b in bindings)
                (await management.PostAsJsonAsync($"bindings/{vhost}/e/{source}/{b.Type[0]}/{Uri.EscapeDataString(b.Destination)}", new { routing_key = "" })).EnsureSuccessStatusCode();
        }
    }

    private async Task<double> DeadLetteredAsync()
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(system.Ingestion.BaseAddress, "/metrics"));
        return metrics.Split('\n').Where(l => l.StartsWith("donations_forwarder_dead_lettered_total", StringComparison.Ordinal))
            .Sum(l => double.Parse(l.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
