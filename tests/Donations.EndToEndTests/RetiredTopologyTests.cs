using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Donations.Contracts.Ingestion;
using Donations.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Donations.EndToEndTests;

/// <summary>An upgrade leaves the queues and bindings of an earlier version in RabbitMQ; the services retire them without losing a message.</summary>
[Collection(SystemCollection.Name)]
public class RetiredTopologyTests(DonationsSystem system)
{
    private static readonly string ClickExchange = $"{typeof(ClickRecorded).Namespace}:{nameof(ClickRecorded)}";

    [Fact]
    public async Task An_old_queue_is_emptied_into_its_successor_and_deleted_and_an_old_binding_is_removed()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var code = await ngo.CreateLinkAsync(await ngo.RegisterPostAsync("wall-7400_1", "retired"));
        await ngo.ClickAsync(code); // the click exchange exists once a click was published

        // As an earlier version left it: attribution-click bound to the clicks, holding a click no other queue got,
        // and the catalog endpoint still fed clicks. A consumer holds the queue until it is set up, as the old version did.
        var factory = new ConnectionFactory { HostName = LocalSystem.RabbitHost, Port = LocalSystem.RabbitPort, VirtualHost = system.Run, UserName = "guest", Password = "guest" };
        await using var connection = await factory.CreateConnectionAsync();
        var click = new ClickRecorded(ngo.NgoId, Guid.CreateVersion7(), code, "wall-7400_1", "retired", null, $"visitor-{Guid.NewGuid():N}", false, DateTimeOffset.UtcNow.AddMinutes(-5));
        // The services check every second: between declaring the queue and holding it they may retire it at once, and an
        // old version would declare its topology again, as this does.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var old = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
                await old.ExchangeDeclareAsync("attribution-click", ExchangeType.Fanout, durable: true);
                await old.QueueDeclareAsync("attribution-click", durable: true, exclusive: false, autoDelete: false);
                var holder = await old.BasicConsumeAsync("attribution-click", false, new AsyncEventingBasicConsumer(old));
                await old.QueueBindAsync("attribution-click", "attribution-click", "");
                await old.ExchangeBindAsync("attribution-click", ClickExchange, "");
                await old.ExchangeBindAsync("reporting-catalog", ClickExchange, "");
                await old.BasicPublishAsync("", "attribution-click", true, new BasicProperties { MessageId = Guid.NewGuid().ToString(), ContentType = "application/vnd.masstransit+json", Persistent = true },
                    Encoding.UTF8.GetBytes(Envelope(click)));
                await old.BasicCancelAsync(holder);
                break;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404 && attempt < 5) { }
        }

        // The click only the old queue held reaches Attribution: the payment naming it is credited to its post.
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-retired-1", 250_00, click.ClickId.ToString()));
        var donation = await ngo.DonationAsync("tx-retired-1", "attributed");
        Assert.Equal(["wall-7400_1"], donation.Credits().Select(c => c!.Str("postId")));

        await Eventually.Async(async () => !await QueueExistsAsync(connection, "attribution-click"), "the old queue is deleted");
        using var management = LocalSystem.RabbitManagementClient();
        await Eventually.Async(async () =>
            (await management.GetFromJsonAsync<JsonArray>($"bindings/{system.Run}/e/{Uri.EscapeDataString(ClickExchange)}/e/reporting-catalog"))!.Count == 0,
            "the catalog endpoint no longer gets clicks");
        var declared = (await management.GetFromJsonAsync<JsonArray>($"bindings/{system.Run}/e/{Uri.EscapeDataString(ClickExchange)}/e/reporting-click-fact"))!;
        Assert.Single(declared); // what the code declares stays
    }

    private static string Envelope(ClickRecorded click) => new JsonObject
    {
        ["messageId"] = Guid.NewGuid().ToString(),
        ["messageType"] = new JsonArray($"urn:message:{ClickExchange}"),
        ["message"] = JsonSerializer.SerializeToNode(click, JsonSerializerOptions.Web),
    }.ToJsonString();

    private static async Task<bool> QueueExistsAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }
}
