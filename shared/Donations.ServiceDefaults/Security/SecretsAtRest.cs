using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Donations.ServiceDefaults.Security;

/// <summary>One Data Protection key of the service's key ring, as the XML Data Protection writes it.</summary>
public sealed record DataProtectionKey(string Id, string Xml);

/// <summary>The key ring in the service's own PostgreSQL schema, so that every replica reads what any replica sealed.</summary>
public sealed class MartenKeyRing(IDocumentStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // Data Protection asks synchronously, when its cached ring expires; Marten 9 reads only asynchronously.
        return Task.Run(async () =>
        {
            await using var session = store.QuerySession();
            return (await session.Query<DataProtectionKey>().ToListAsync()).Select(k => XElement.Parse(k.Xml)).ToList();
        }).GetAwaiter().GetResult();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        Task.Run(async () =>
        {
            await using var session = store.LightweightSession();
            session.Store(new DataProtectionKey(friendlyName, element.ToString(SaveOptions.DisableFormatting)));
            await session.SaveChangesAsync();
        }).GetAwaiter().GetResult();
    }
}

/// <summary>
/// Secrets kept at rest (provider secrets, VK tokens) go through here: sealed with ASP.NET Core Data Protection before
/// they are stored, opened when they are used. A value stored before sealing existed has no prefix and is read as it is.
/// </summary>
public sealed class SecretBox(IDataProtectionProvider provider)
{
    private const string Prefix = "dp1:";
    private readonly IDataProtector _protector = provider.CreateProtector("Donations.Secrets.v1");

    public string? Seal(string? secret) => secret is null ? null : Prefix + _protector.Protect(secret);

    public string? Open(string? stored) => stored is null ? null : stored.StartsWith(Prefix, StringComparison.Ordinal) ? _protector.Unprotect(stored[Prefix.Length..]) : stored;
}

public static class SecretsAtRestSetup
{
    /// <summary>
    /// A PKCS #12 file (with <c>…Password</c>) whose certificate encrypts the key ring — the operator's, never in the database —
    /// and the one before it, which still opens the keys it encrypted while the certificate is replaced.
    /// </summary>
    public const string CertificateSetting = "Donations:KeyRingCertificate", PreviousCertificateSetting = "Donations:KeyRingPreviousCertificate";

    public static void AddSecretsAtRest(this IHostApplicationBuilder builder, string applicationName)
    {
        var protection = builder.Services.AddDataProtection().SetApplicationName(applicationName);
        X509Certificate2? Load(string setting) => builder.Configuration[setting] is { Length: > 0 } path
            ? X509CertificateLoader.LoadPkcs12FromFile(path, builder.Configuration[setting + "Password"])
            : null;
        // The key ring sits beside what it seals: without a certificate, a copy of the database opens every secret.
        if (Load(CertificateSetting) is { } certificate)
            protection.ProtectKeysWithCertificate(certificate)
                .UnprotectKeysWithAnyCertificate(Load(PreviousCertificateSetting) is { } previous ? [certificate, previous] : [certificate]);
        else builder.Services.AddHostedService<UnencryptedKeyRingWarning>();
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = new MartenKeyRing(sp.GetRequiredService<IDocumentStore>())));
        builder.Services.AddSingleton<SecretBox>();
    }

    private sealed class UnencryptedKeyRingWarning(ILogger<UnencryptedKeyRingWarning> log) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            log.LogWarning("The Data Protection key ring is stored unencrypted beside the secrets it seals; set {Setting} to a PKCS #12 certificate file",
                CertificateSetting.Replace(":", "__", StringComparison.Ordinal));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
