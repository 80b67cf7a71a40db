using Donations.Ingestion.Catalog;
using Donations.Ingestion.Donors;
using Donations.Ingestion.Links;
using Donations.Ingestion.Ngos;
using Donations.Ingestion.Providers;
using Donations.Ingestion.Storage;
using Donations.Ingestion.Vk;
using Donations.Ingestion.Webhooks;
using Donations.ServiceDefaults.Hosting;
using Donations.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIngestionStore();
builder.AddDonationsMessaging();
builder.AddRedirectLimits();
builder.AddWebhookLimits();
builder.AddVk();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapNgos();
app.MapKeys();
app.MapProviders();
app.MapCatalog();
app.MapVk();
app.MapLinks();
app.MapWebhooks();
app.MapDonors();
app.Run();

public partial class Program;
