using Microsoft.AspNetCore.DataProtection;

namespace Donations.Reporting.OutgoingWebhooks;

/// <summary>
/// Endpoint secrets, encrypted with ASP.NET Core Data Protection (purpose "webhook-endpoints"), whose key ring every
/// Reporting replica shares (<see cref="Donations.ServiceDefaults.Security.SecretsAtRestSetup"/>).
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("webhook-endpoints");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
