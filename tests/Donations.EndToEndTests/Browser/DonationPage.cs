using Donations.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Donations.EndToEndTests.Browser;

/// <summary>The NGO's own donation page (outside our system), where a tracked link sends the donor with the click id.</summary>
public sealed class DonationPage : IAsyncDisposable
{
    private readonly WebApplication _app;
    public Uri Address { get; }

    private DonationPage(WebApplication app, Uri address) => (_app, Address) = (app, address);

    public static async Task<DonationPage> StartAsync()
    {
        var port = LocalSystem.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/donate", () => Results.Content(
            "<!doctype html><html lang=\"ru\"><meta charset=\"utf-8\"><title>Пожертвовать</title><h1>Пожертвовать фонду</h1><p>Здесь виджет CloudPayments.</p></html>",
            "text/html; charset=utf-8"));
        await app.StartAsync();
        return new DonationPage(app, new Uri($"http://127.0.0.1:{port}/donate?fund=coats"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
