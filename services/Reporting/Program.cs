using Donations.Reporting.Catalog;
using Donations.Reporting.Dashboard;
using Donations.Reporting.Donations;
using Donations.Reporting.Export;
using Donations.Reporting.Facts;
using Donations.Reporting.OutgoingWebhooks;
using Donations.Reporting.Reconciliation;
using Donations.Reporting.Recurring;
using Donations.Reporting.Storage;
using Donations.Reporting.Reports;
using Donations.ServiceDefaults.Hosting;
using Donations.ServiceDefaults.Messaging;
using Donations.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddReportingStore();
builder.AddReconciliation();
builder.AddRecurring();
builder.AddOutgoingWebhooks();
builder.AddDonationsMessaging(bus =>
{
    bus.AddConsumer<KeysConsumer>();
    bus.AddPageConsumer<LedgerConsumer>(LedgerConsumer.Endpoint, singleActive: true);
    bus.AddConsumer<CatalogConsumer>();
    bus.AddPageConsumer<ClickFactConsumer>();
    bus.AddPageConsumer<AcceptedMoneyConsumer>();
    bus.AddConsumer<ErasedDonorConsumer>();
    bus.AddConsumer<SubscriptionConsumer>();
});
// Clicks moved from the catalog endpoint to the click facts' own; the ledger to a queue with one active consumer, which
// also writes the outgoing webhooks' donation events.
builder.RetireTopology(queues: [new RetiredQueue("reporting-ledger", LedgerConsumer.Endpoint), new RetiredQueue("reporting-donation-events", LedgerConsumer.Endpoint)],
    bindings: [RetiredBinding.Of<Donations.Contracts.Ingestion.ClickRecorded>("reporting-catalog")]);

var app = builder.Build();
// `rebuild`: an on-call command run with the service's settings, not a server (README, Deploying).
if (args is ["rebuild", ..]) return await app.RunRebuildAsync(args);
app.MapDefaultEndpoints();
app.MapDashboard();
app.MapReports();
app.MapRecurring();
app.MapDonations();
app.MapReconciliation();
app.MapWebhookEndpoints();
app.MapExport();
app.MapPostFunnel();
app.Run();
return 0;

public partial class Program;
