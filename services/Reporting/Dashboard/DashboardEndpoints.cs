namespace Donations.Reporting.Dashboard;

public static class DashboardEndpoints
{
    /// <summary>Where people read reports: the web app (services/Web), configuration <c>Donations:WebAppUrl</c>.</summary>
    public const string WebAppSetting = "Donations:WebAppUrl";

    /// <summary>
    /// <c>GET /</c> sends people to the web app, which holds every page (reports, settings, outgoing webhooks).
    /// </summary>
    public static void MapDashboard(this WebApplication app)
    {
        var webApp = app.Configuration[WebAppSetting] ?? "http://127.0.0.1:5100/";
        app.MapGet("/", () => Results.Redirect(webApp)).ExcludeFromDescription();
    }
}
