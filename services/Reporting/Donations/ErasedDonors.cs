using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Storage;
using Marten;
using MassTransit;

namespace Donations.Reporting.Donations;

/// <summary>A donor whose personal data was erased: reports still count their money, under the pseudonym, marked erased.</summary>
public sealed record ErasedDonor(string Id, string NgoId, string DonorId, DateTimeOffset ErasedAt)
{
    public static string DocumentId(string ngo, string donorId) => $"{ngo}/{donorId}";
}

public sealed class ErasedDonorConsumer(IDocumentSession session) : IConsumer<DonorErased>
{
    public Task Consume(ConsumeContext<DonorErased> context) =>
        session.HandleOnceAsync<ErasedDonorConsumer>(context, () =>
        {
            var m = context.Message;
            session.Store(new ErasedDonor(ErasedDonor.DocumentId(m.NgoId, m.DonorId), m.NgoId, m.DonorId, m.ErasedAt));
            return Task.CompletedTask;
        });
}
