using Donations.ServiceDefaults.Hosting;
using Donations.Web.App;
using Donations.Web.Proxy;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiProxy();
builder.AddPeopleApp();

var app = builder.Build();
app.MapDefaultEndpoints(keyEndpoints: false);
app.MapPeopleApp();
app.MapApiProxy();
app.Run();

public partial class Program;
