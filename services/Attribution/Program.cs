using Donations.Attribution.Clicks;
using Donations.Attribution.Ledger;
using Donations.Attribution.Settings;
using Donations.Attribution.Storage;
using Donations.ServiceDefaults.Hosting;
using Donations.ServiceDefaults.Messaging;
using Donations.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAttributionStore();
builder.AddDonationsMessaging(bus =>
{
    bus.AddConsumer<KeysConsumer>();
    bus.AddQueuedConsumer<ClickConsumer>(LedgerWriter.Endpoint, singleActive: true);
    bus.AddQueuedConsumer<DonationConsumer>(LedgerWriter.Endpoint, singleActive: true);
    bus.AddQueuedConsumer<RefundConsumer>(LedgerWriter.Endpoint, singleActive: true);
    bus.AddConsumer<FundraiserConsumer>();
});
// Before one ledger endpoint, clicks, donations and refunds each had a queue.
builder.RetireTopology(queues: [new("attribution-click", LedgerWriter.Endpoint), new("attribution-donation", LedgerWriter.Endpoint), new("attribution-refund", LedgerWriter.Endpoint)]);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapSettings();
app.Run();

public partial class Program;
