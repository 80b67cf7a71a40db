using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Storage;
using Marten;
using MassTransit;

namespace Donations.ServiceDefaults.Security;

/// <summary>Keeps this service's copy of each NGO's key hashes, so it can check keys without asking Ingestion.</summary>
public sealed class KeysConsumer(IDocumentSession session) : IConsumer<NgoRegistered>
{
    public Task Consume(ConsumeContext<NgoRegistered> context) =>
        session.HandleOnceAsync<KeysConsumer>(context, () =>
        {
            session.Store(context.Message.Keys.Select(k => new ApiKey(k.KeyHash, context.Message.NgoId, k.Role)).ToArray());
            return Task.CompletedTask;
        });
}
