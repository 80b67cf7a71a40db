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
    bus.AddConsumer<ClickConsumer>();
    bus.AddConsumer<DonationConsumer>();
    bus.AddConsumer<RefundConsumer>();
    bus.AddConsumer<FundraiserConsumer>();
});

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapSettings();
app.Run();

public partial class Program;
