using System.Net.Sockets;
using System.Text;

namespace Donations.EndToEndTests;

/// <summary>HTTP/1.1 written byte by byte, for requests no well-behaved client library will send.</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> as given and returns what the server answers until it closes (or 10 s pass).</summary>
    public static async Task<string> SendAsync(Uri server, string request) => await SendAsync(server, Encoding.UTF8.GetBytes(request));

    public static async Task<string> SendAsync(Uri server, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(request);
        return await ReadAsync(stream, TimeSpan.FromSeconds(10));
    }

    /// <summary>The status code of a raw answer, 0 when there was none.</summary>
    public static int Status(string answer) =>
        answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(answer.AsSpan(9, 3), out var status) ? status : 0;

    /// <summary>Everything the server sends until it closes the connection or <paramref name="patience"/> passes.</summary>
    public static async Task<string> ReadAsync(NetworkStream stream, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        var answer = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
                // One answer is enough: stop at the end of its headers when it has no body, or once its declared body is in.
                var text = Encoding.UTF8.GetString(answer.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0 && BodyComplete(text, end + 4)) break;
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        return Encoding.UTF8.GetString(answer.ToArray());
    }

    private static bool BodyComplete(string text, int bodyStart)
    {
        var headers = text[..bodyStart];
        var length = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is null ? !headers.Contains("chunked", StringComparison.OrdinalIgnoreCase) || text.EndsWith("0\r\n\r\n", StringComparison.Ordinal)
            : Encoding.UTF8.GetByteCount(text[bodyStart..]) >= int.Parse(length["Content-Length:".Length..].Trim());
    }
}
