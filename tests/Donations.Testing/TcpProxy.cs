using System.Net;
using System.Net.Sockets;

namespace Donations.Testing;

/// <summary>
/// A TCP proxy in front of a real server (PostgreSQL) that a test can take away: <see cref="Refuse"/> resets every
/// connection and every new one, as a stopped server does; <see cref="Blackhole"/> stops all traffic without closing
/// anything, as a network partition does; <see cref="Restore"/> resets what was held and passes traffic again.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private enum Mode { Pass, Refuse, Blackhole }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private volatile Mode _mode = Mode.Pass;

    public int Port { get; }

    public TcpProxy(string upstreamHost, int upstreamPort)
    {
        _upstream = new IPEndPoint(Dns.GetHostAddresses(upstreamHost).First(a => a.AddressFamily == AddressFamily.InterNetwork), upstreamPort);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public void Refuse()
    {
        _mode = Mode.Refuse;
        ResetAll();
    }

    public void Blackhole() => _mode = Mode.Blackhole;

    public void Restore()
    {
        if (_mode == Mode.Blackhole) ResetAll();
        _mode = Mode.Pass;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) { return; }
            if (_mode == Mode.Refuse)
            {
                Reset(client);
                continue;
            }
            Track(client);
            _ = ConnectAsync(client);
        }
    }

    private async Task ConnectAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_upstream, _stop.Token);
            Track(server);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception) { }
        Reset(client);
        Reset(server);
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, _stop.Token);
            if (read == 0) return;
            while (_mode == Mode.Blackhole) await Task.Delay(20, _stop.Token);
            await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private void Track(Socket socket)
    {
        lock (_open) _open.Add(socket);
    }

    private void ResetAll()
    {
        Socket[] open;
        lock (_open)
        {
            open = [.. _open];
            _open.Clear();
        }
        foreach (var socket in open) Reset(socket);
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // close with RST, as a dead server's kernel answers
            socket.Close();
        }
        catch (Exception) { }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        ResetAll();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
