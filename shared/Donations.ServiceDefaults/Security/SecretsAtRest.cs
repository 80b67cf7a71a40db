using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
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
    public static void AddSecretsAtRest(this IServiceCollection services, string applicationName)
    {
        services.AddDataProtection().SetApplicationName(applicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = new MartenKeyRing(sp.GetRequiredService<IDocumentStore>())));
        services.AddSingleton<SecretBox>();
    }
}
