using Donations.Attribution.Clicks;
using Donations.Attribution.Ledger;
using Donations.Attribution.Storage;
using Donations.ServiceDefaults.Hosting;
using Donations.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAttributionStore();
builder.AddDonationsMessaging(bus =>
{
    bus.AddConsumer<ClickConsumer>();
    bus.AddConsumer<DonationConsumer>();
});

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
