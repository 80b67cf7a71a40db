using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Donations.EndToEndTests;

/// <summary>
/// Kestrel's limits for clients that hold a connection open without finishing their request. The header wait is set to
/// 2 s for this system (<c>Kestrel__Limits__RequestHeadersTimeout</c>, which also shows Kestrel's own settings win over
/// ours); the assertions are only that the server lets go, with a minute's patience, never how fast.
/// </summary>
[Collection(EdgeCollection.Name)]
public class RequestLimitTests(EdgeSystem system)
{
    [Fact]
    public async Task A_client_that_never_finishes_its_headers_is_cut_off()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(system.Ingestion.BaseAddress.Host, system.Ingestion.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
        var held = Stopwatch.StartNew();
        var answer = await RawHttp.ReadAsync(stream, TimeSpan.FromMinutes(1));
        Assert.True(held.Elapsed < TimeSpan.FromMinutes(1), "the connection was still open after a minute");
        Assert.True(answer.Length == 0 || RawHttp.Status(answer) == 408, answer);
    }

    [Fact]
    public async Task A_client_that_trickles_its_body_is_cut_off()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(system.Ingestion.BaseAddress.Host, system.Ingestion.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/ngos HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {DonationsSystem.AdminKey}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"id\":"));
        var held = Stopwatch.StartNew();
        using var trickle = new CancellationTokenSource();
        var trickling = Task.Run(async () =>
        {
            try
            {
                while (!trickle.IsCancellationRequested)
                {
                    await Task.Delay(1000, trickle.Token);
                    await stream.WriteAsync(" "u8.ToArray(), trickle.Token); // JSON whitespace: a valid body, too slow
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
        });
        var answer = await RawHttp.ReadAsync(stream, TimeSpan.FromMinutes(1));
        await trickle.CancelAsync();
        await trickling;
        Assert.True(held.Elapsed < TimeSpan.FromMinutes(1), "the connection was still open after a minute");
        Assert.True(answer.Length == 0 || RawHttp.Status(answer) == 408, answer);
    }
}
