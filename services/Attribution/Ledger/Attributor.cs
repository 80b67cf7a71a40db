using Donations.Attribution.Clicks;
using Donations.Attribution.Decisions;
using Donations.Attribution.Models;
using Donations.Attribution.Recurring;
using Donations.Attribution.Settings;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;
using Marten;

namespace Donations.Attribution.Ledger;

/// <summary>
/// Reads a donation's ledger and what is known about it, applies the rule book, and queues the next revision.
/// Writes are held until <see cref="SaveAsync"/>, so one unit of work may revise a donation more than once (a first
/// payment's charges follow it while they are replayed themselves) and still appends once per stream, naming the
/// version it read: two writers racing on one donation cannot both win; the loser is retried against the new state.
/// </summary>
public sealed class Attributor(IDocumentSession session, TimeProvider clock)
{
    private readonly Dictionary<Guid, (DonationLedger ReadAt, List<object> Events, DonationLedger Now)> _pending = [];

    /// <summary>The ledger as stored, with what this unit of work has queued for it.</summary>
    public async Task<DonationLedger> LoadAsync(Guid donationId, CancellationToken ct) =>
        _pending.TryGetValue(donationId, out var pending)
            ? pending.Now
            : DonationLedger.From(donationId, await session.Events.FetchStreamAsync(donationId, token: ct));

    public async Task<AttributionSettings> SettingsAsync(string ngo, CancellationToken ct) =>
        (await session.LoadAsync<NgoSettings>(ngo, ct))?.ToSettings() ?? AttributionSettings.Default;

    /// <summary>Queues <paramref name="events"/> after the ledger <paramref name="readAt"/>, as loaded by <see cref="LoadAsync"/>.</summary>
    public void Append(DonationLedger readAt, params object[] events)
    {
        var now = events.Aggregate(readAt, (ledger, e) => ledger.Apply(e)) with { Version = readAt.Version + events.Length };
        _pending[readAt.Id] = _pending.TryGetValue(readAt.Id, out var pending)
            ? (pending.ReadAt, [.. pending.Events, .. events], now)
            : (readAt, [.. events], now);
    }

    /// <summary>Appends every queued event to its stream at the version it was read at, and commits the session.</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        foreach (var (id, (readAt, events, _)) in _pending)
        {
            if (readAt.Version == 0) session.Events.StartStream(id, events);
            else session.Events.Append(id, readAt.Version + events.Count, events);
        }
        _pending.Clear();
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Decides the donation again and returns the revision to append, or null when the ledger already says the
    /// same under the same settings and refunds. <paramref name="firstPayment"/> overrides the stored decision
    /// about the subscription's first payment when that decision is being written in this same transaction.
    /// </summary>
    public async Task<DonationAttributed?> ReviseAsync(DonationLedger ledger, string cause, CancellationToken ct, DonationAttributed? firstPayment = null)
    {
        var donation = ledger.Donation ?? throw new InvalidOperationException($"Donation {ledger.Id} has not been received.");
        var settings = await SettingsAsync(donation.NgoId, ct);
        var decision = Rulebook.Decide(donation, await GatherAsync(donation, settings, firstPayment, ct), settings);
        var current = ledger.Current;
        if (decision.IsRecordedIn(current) && current!.SettingsVersion == settings.Version && current.RefundedMinor == ledger.RefundedMinor)
            return null;

        var revision = Write(ledger, decision, settings, cause);
        await RememberAsync(donation, decision, revision, ct);
        return revision;
    }

    /// <summary>The same decision, with what was refunded taken off every credit pro rata.</summary>
    public DonationAttributed Refunded(DonationLedger ledger)
    {
        var current = ledger.Current ?? throw new InvalidOperationException($"Donation {ledger.Id} has not been decided.");
        var decision = new Decision(current.Status, current.Rule, current.Reason, current.Credits);
        return Write(ledger, decision, new AttributionSettings(current.Model, current.LookbackDays, current.SettingsVersion), Causes.Refund);
    }

    private DonationAttributed Write(DonationLedger ledger, Decision decision, AttributionSettings settings, string cause)
    {
        var d = ledger.Donation!;
        var refunded = ledger.RefundedMinor;
        return new DonationAttributed(
            d.NgoId, d.DonationId, ledger.NextRevision, cause, d.Provider, d.ProviderTxId, d.AmountMinor, refunded, d.Currency,
            d.OccurredAt, d.SubscriptionId, decision.Status, decision.Rule, decision.Reason, settings.Model, settings.LookbackDays,
            settings.Version, Rulebook.WithAmounts(d.AmountMinor - refunded, decision.Credits), clock.GetUtcNow(), d.FeeMinor, d.DonorId, d.ReceivedAt,
            ledger.RefusedRefunds is { Count: > 0 } refused ? refused : null, d.ClickId, d.FundraiserId);
    }

    /// <summary>Bookkeeping that later decisions read: the donor's visitor, the replay index, and dependent charges.</summary>
    private async Task RememberAsync(DonationReceived donation, Decision decision, DonationAttributed revision, CancellationToken ct)
    {
        if (decision.Rule == Rules.ClickId && donation.DonorId is { Length: > 0 } donor && decision.Credits.FirstOrDefault()?.ClickId is { } clickId
            && (await session.LoadAsync<ClickTouchpoint>(clickId, ct))?.VisitorId is { } visitor)
            session.Store(new DonorVisitor(DonorVisitor.DocumentId(donation.NgoId, donor), visitor));

        session.Store(new DonationIndex(donation.DonationId, donation.NgoId, donation.OccurredAt, revision.SettingsVersion));

        if (donation.SubscriptionId is { Length: > 0 } subscriptionId
            && await session.LoadAsync<Subscription>(Subscription.DocumentId(donation.NgoId, donation.Provider, subscriptionId), ct) is { } subscription
            && subscription.FirstDonationId == donation.DonationId)
        {
            foreach (var charge in subscription.Charges)
            {
                var chargeLedger = await LoadAsync(charge, ct);
                if (chargeLedger.Donation is null) continue;
                if (await ReviseAsync(chargeLedger, Causes.FirstPaymentChanged, ct, revision) is { } chargeRevision)
                    Append(chargeLedger, chargeRevision);
            }
        }
    }

    private async Task<Evidence> GatherAsync(DonationReceived donation, AttributionSettings settings, DonationAttributed? firstPayment, CancellationToken ct)
    {
        firstPayment ??= await FirstPaymentAsync(donation, ct);
        if (firstPayment is not null) return Evidence.None with { FirstPayment = firstPayment };

        var from = donation.OccurredAt.AddDays(-settings.LookbackDays);
        ClickRecorded? named = null;
        IReadOnlyList<ClickRecorded> visitorClicks = [];
        if (Guid.TryParse(donation.ClickId, out var clickId))
        {
            named = (await session.LoadAsync<ClickTouchpoint>(clickId, ct))?.Click;
            if (named is { IsBot: false } && named.NgoId == donation.NgoId)
                visitorClicks = await VisitorClicksAsync(donation.NgoId, named.VisitorId, from, donation.OccurredAt, ct);
        }

        IReadOnlyList<ClickRecorded> donorClicks = [];
        if (donation.DonorId is { Length: > 0 } donor
            && await session.LoadAsync<DonorVisitor>(DonorVisitor.DocumentId(donation.NgoId, donor), ct) is { } tie)
            donorClicks = await VisitorClicksAsync(donation.NgoId, tie.VisitorId, from, donation.OccurredAt, ct);

        var fundraiserCampaign = donation.FundraiserId is { Length: > 0 } fundraiser
            ? (await session.LoadAsync<FundraiserCampaign>(FundraiserCampaign.DocumentId(donation.NgoId, fundraiser), ct))?.CampaignId
            : null;
        return new Evidence(named, visitorClicks, donorClicks, null, fundraiserCampaign);
    }

    private async Task<IReadOnlyList<ClickRecorded>> VisitorClicksAsync(string ngo, string visitor, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        var touchpoints = await session.Query<ClickTouchpoint>()
            .Where(t => t.NgoId == ngo && t.VisitorId == visitor && !t.IsBot && t.ClickedAt >= from && t.ClickedAt <= until)
            .OrderBy(t => t.ClickedAt)
            .Take(200)
            .ToListAsync(ct);
        return touchpoints.Select(t => t.Click!).ToList();
    }

    private async Task<DonationAttributed?> FirstPaymentAsync(DonationReceived donation, CancellationToken ct)
    {
        if (donation.SubscriptionId is not { Length: > 0 } subscriptionId) return null;
        var subscription = await session.LoadAsync<Subscription>(Subscription.DocumentId(donation.NgoId, donation.Provider, subscriptionId), ct);
        if (subscription is null || subscription.FirstDonationId == donation.DonationId) return null;
        return (await LoadAsync(subscription.FirstDonationId, ct)).Current;
    }
}
