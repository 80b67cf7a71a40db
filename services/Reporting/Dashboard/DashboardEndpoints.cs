namespace Donations.Reporting.Dashboard;

public static class DashboardEndpoints
{
    /// <summary>
    /// The dashboard at <c>GET /</c>: one static page and script (wwwroot) that signs in with a viewer key and reads
    /// the report API. No build step and nothing loaded from elsewhere: charts are drawn as SVG by the page itself.
    /// </summary>
    public static void MapDashboard(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
    }
}
