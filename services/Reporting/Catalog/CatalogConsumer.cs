using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Messaging;
using Donations.ServiceDefaults.Storage;
using Donations.Reporting.Facts;
using Marten;
using MassTransit;

namespace Donations.Reporting.Catalog;

/// <summary>Keeps Reporting's copy of the NGO's catalog, spend, payouts and clicks; every write is idempotent.</summary>
public sealed class CatalogConsumer(IDocumentSession session) :
    IConsumer<NgoRegistered>, IConsumer<NgoVerificationChanged>, IConsumer<NgoTimeZoneChanged>, IConsumer<ProviderConfigured>, IConsumer<CampaignRegistered>,
    IConsumer<FundraiserRegistered>, IConsumer<CampaignChanged>, IConsumer<FundraiserChanged>, IConsumer<PostRegistered>, IConsumer<SpendRecorded>, IConsumer<PayoutRecorded>,
    IConsumer<PostStatsRefreshed>
{
    public Task Consume(ConsumeContext<NgoRegistered> context) => Once(context, async () =>
    {
        var m = context.Message;
        var profile = await session.LoadAsync<NgoProfile>(m.NgoId, context.CancellationToken) ?? new NgoProfile { Id = m.NgoId };
        profile.Name = m.Name;
        profile.Verification.Add(new VerificationChange(m.Verified, m.RegisteredAt));
        session.Store(profile);
        NgoZones.Choose(session, m.NgoId, m.TimeZone ?? NgoTimeZones.Default, m.RegisteredAt);
    });

    public Task Consume(ConsumeContext<NgoTimeZoneChanged> context) => Once(context, () =>
    {
        NgoZones.Choose(session, context.Message.NgoId, context.Message.TimeZone, context.Message.ChangedAt);
        return Task.CompletedTask;
    });

    public Task Consume(ConsumeContext<NgoVerificationChanged> context) => Once(context, async () =>
    {
        var m = context.Message;
        var profile = await session.LoadAsync<NgoProfile>(m.NgoId, context.CancellationToken) ?? new NgoProfile { Id = m.NgoId };
        profile.Verification.Add(new VerificationChange(m.Verified, m.ChangedAt));
        session.Store(profile);
    });

    public Task Consume(ConsumeContext<ProviderConfigured> context) => Store(context,
        new ProviderView(ViewKey.Of(context.Message.NgoId, context.Message.Provider), context.Message.NgoId, context.Message.Provider, context.Message.ConfiguredAt));

    public Task Consume(ConsumeContext<CampaignRegistered> context)
    {
        var m = context.Message;
        return StoreNewer(context, ViewKey.Of(m.NgoId, m.CampaignId), new CampaignView(ViewKey.Of(m.NgoId, m.CampaignId), m.NgoId, m.CampaignId, m.Name, m.StartsAt, m.EndsAt), v => v.Version);
    }

    public Task Consume(ConsumeContext<CampaignChanged> context)
    {
        var m = context.Message;
        return StoreNewer(context, ViewKey.Of(m.NgoId, m.CampaignId), new CampaignView(ViewKey.Of(m.NgoId, m.CampaignId), m.NgoId, m.CampaignId, m.Name, m.StartsAt, m.EndsAt, m.Version), v => v.Version);
    }

    public Task Consume(ConsumeContext<FundraiserRegistered> context)
    {
        var m = context.Message;
        return StoreNewer(context, ViewKey.Of(m.NgoId, m.FundraiserId), new FundraiserView(ViewKey.Of(m.NgoId, m.FundraiserId), m.NgoId, m.FundraiserId, m.CampaignId, m.Title, m.GoalMinor, m.Currency, m.Deadline),
            v => v.Version);
    }

    public Task Consume(ConsumeContext<FundraiserChanged> context)
    {
        var m = context.Message;
        return StoreNewer(context, ViewKey.Of(m.NgoId, m.FundraiserId), new FundraiserView(ViewKey.Of(m.NgoId, m.FundraiserId), m.NgoId, m.FundraiserId, m.CampaignId, m.Title, m.GoalMinor, m.Currency,
            m.Deadline, m.Version), v => v.Version);
    }

    /// <summary>Changes may arrive out of order and again: a copy moves only to a higher version.</summary>
    private async Task StoreNewer<T>(ConsumeContext context, string id, T document, Func<T, int> version) where T : class
    {
        if (await session.LoadAsync<T>(id, context.CancellationToken) is { } known && version(known) >= version(document)) return;
        await Store(context, document);
    }

    public Task Consume(ConsumeContext<PostRegistered> context)
    {
        var m = context.Message;
        return Store(context, new PostView(ViewKey.Of(m.NgoId, m.PostId), m.NgoId, m.PostId, m.CampaignId, m.FundraiserId, m.PublishedAt));
    }

    public async Task Consume(ConsumeContext<PostStatsRefreshed> context)
    {
        var m = context.Message;
        var id = ViewKey.Of(m.NgoId, m.PostId);
        // Refreshes may arrive out of order: an older one never replaces a newer one.
        if (await session.LoadAsync<PostStatsView>(id, context.CancellationToken) is { } known && known.RefreshedAt >= m.RefreshedAt) return;
        await Store(context, new PostStatsView(id, m.NgoId, m.PostId, m.PublishedAt, m.Text, m.Views, m.Likes, m.Reposts, m.Reach, m.RefreshedAt));
    }

    public async Task Consume(ConsumeContext<SpendRecorded> context)
    {
        var m = context.Message;
        // A re-imported VK Ads day replaces the amount under the same id; an older import arriving late does not.
        if (await session.LoadAsync<SpendEntry>(m.SpendId, context.CancellationToken) is { RecordedAt: { } known } && known > m.RecordedAt) return;
        await Store(context, new SpendEntry(m.SpendId, m.NgoId, m.CampaignId, m.PostId, m.AmountMinor, m.Currency, m.Source, m.SpentAt, m.RecordedAt));
    }

    public Task Consume(ConsumeContext<PayoutRecorded> context)
    {
        var m = context.Message;
        return Store(context, new PayoutEntry(ViewKey.Of(m.NgoId, $"{m.Provider}/{m.PayoutId}"), m.NgoId, m.Provider, m.AmountMinor, m.FeeMinor, m.Currency, m.Succeeded, m.Reason, m.OccurredAt));
    }

    /// <summary>A document keyed by the fact it copies: storing it again changes nothing.</summary>
    private async Task Store<T>(ConsumeContext context, T document) where T : notnull
    {
        session.Store(document);
        await session.SaveChangesAsync(context.CancellationToken);
    }

    private Task Once(ConsumeContext context, Func<Task> handle) => session.HandleOnceAsync<CatalogConsumer>(context, handle);
}

/// <summary>Reporting's copy of each click, a page of clicks in one transaction; keyed by the click, so storing it again changes nothing.</summary>
public sealed class ClickFactConsumer(PageRunner pages) : IConsumer<Batch<ClickRecorded>>
{
    public Task Consume(ConsumeContext<Batch<ClickRecorded>> context) => pages.RunAsync(context.Message, async (services, messages) =>
    {
        var session = services.GetRequiredService<IDocumentSession>();
        var clicks = messages.Select(c => c.Message)
            .Select(m => new ClickFact(m.ClickId, m.NgoId, m.PostId, m.CampaignId, m.IsBot, m.ClickedAt, m.VisitorId, m.VkAdsClickId))
            .DistinctBy(c => c.Id).ToArray();
        ClickFacts.Record(session, clicks);
        session.Store(clicks);
        await session.SaveChangesAsync(context.CancellationToken);
    });
}
