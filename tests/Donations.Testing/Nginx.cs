using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Donations.Testing;

/// <summary>
/// Debian's nginx as the reverse proxy in front of one service, as the Ingress is in production: started by the test
/// (not the system service) on free loopback ports with a generated configuration, PID file, logs and a self-signed
/// certificate in a temporary directory, in the foreground under the test's control. It connects to the service from
/// <see cref="ProxyAddress"/>, so that the service can tell the proxy from clients on other loopback addresses, and
/// forwards the client's address and scheme the usual way (<c>X-Forwarded-For</c> appended, <c>X-Forwarded-Proto</c> set).
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    /// <summary>The address nginx connects to the service from (Linux routes all of 127.0.0.0/8 to loopback).</summary>
    public static readonly IPAddress ProxyAddress = IPAddress.Parse("127.0.0.2");

    private readonly Process _process;
    private readonly string _directory;

    public Uri Http { get; }
    public Uri Https { get; }
    public X509Certificate2 Certificate { get; }
    public string ErrorLog => Path.Combine(_directory, "error.log");

    private Nginx(Process process, string directory, Uri http, Uri https, X509Certificate2 certificate)
    {
        _process = process;
        _directory = directory;
        Http = http;
        Https = https;
        Certificate = certificate;
    }

    public static async Task<Nginx> StartAsync(Uri upstream)
    {
        var directory = Directory.CreateTempSubdirectory("donations-nginx-").FullName;
        var certificate = SelfSigned(directory);
        var (http, https) = (LocalSystem.FreePort(), LocalSystem.FreePort());
        var conf = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(conf, $$"""
            daemon off;
            master_process off;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log info;
            events { worker_connections 512; }
            http {
              access_log {{directory}}/access.log;
              client_body_temp_path {{directory}}/body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
              server {
                listen 127.0.0.1:{{http}};
                listen 127.0.0.1:{{https}} ssl;
                ssl_certificate {{directory}}/cert.pem;
                ssl_certificate_key {{directory}}/key.pem;
                location / {
                  proxy_pass {{upstream.GetLeftPart(UriPartial.Authority)}};
                  proxy_bind {{ProxyAddress}};
                  proxy_set_header Host $host;
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_set_header X-Forwarded-Proto $scheme;
                }
              }
            }
            """);
        var start = new ProcessStartInfo(Executable(), ["-c", conf, "-p", directory, "-e", Path.Combine(directory, "error.log")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        var nginx = new Nginx(process, directory, new Uri($"http://127.0.0.1:{http}"), new Uri($"https://127.0.0.1:{https}"), certificate);
        await nginx.WaitUntilListeningAsync(http, https);
        return nginx;
    }

    private async Task WaitUntilListeningAsync(params int[] ports)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        foreach (var port in ports)
            while (true)
            {
                if (_process.HasExited)
                    throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()} {Log()}");
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
    }

    private string Log() => File.Exists(ErrorLog) ? File.ReadAllText(ErrorLog) : "";

    private static string Executable() =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nginx is not installed: apt-get install nginx (infra/test.sh does it).");

    /// <summary>A certificate for 127.0.0.1 made for this run only; clients of the test trust exactly this one.</summary>
    private static X509Certificate2 SelfSigned(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    /// <summary>
    /// A client whose connections come from <paramref name="source"/> (a loopback address such as 127.0.0.3), so a test
    /// can be several clients at once; it trusts <paramref name="certificate"/> only. No redirects followed, no cookies kept.
    /// </summary>
    public static HttpClient ClientFrom(IPAddress source, Uri baseAddress, X509Certificate2? certificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        if (certificate is not null)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString();
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Certificate.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
