using Donations.Attribution.Clicks;
using Donations.Attribution.Decisions;
using Donations.Attribution.Models;
using Donations.Attribution.Recurring;
using Donations.Attribution.Settings;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Telemetry;
using Marten;

namespace Donations.Attribution.Ledger;

/// <summary>
/// Reads a donation's ledger and what is known about it, applies the rule book, and queues the next revision.
/// The unit of work is a page of messages: writes — ledger events and the documents decisions read (touchpoints,
/// subscriptions, donor ties) — are held until <see cref="SaveAsync"/>, and every read sees what the page has queued,
/// so a page decides exactly as its messages would one after the other, and commits once. Each stream is appended
/// once, naming the version it was read at, and each document is written once: a writer racing this one (another
/// instance during a hand-over, the replay) cannot both win; the loser is retried against the new state.
/// </summary>
public sealed class Attributor(IDocumentSession session, TimeProvider clock)
{
    private readonly Dictionary<Guid, (DonationLedger ReadAt, List<(object Event, string? Trace)> Events, DonationLedger Now)> _pending = [];
    private readonly Dictionary<(Type, object), (object? Document, Change Change, Action<IDocumentSession>? Flush)> _documents = [];

    private enum Change { None, Insert, Update, Store }

    private readonly List<Action> _afterCommit = [];

    /// <summary>Runs <paramref name="action"/> once the unit of work has committed (a warning, a metric), never for work rolled back.</summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>The trace of the message being decided: the events it causes carry it, whichever page they commit in.</summary>
    public string? TraceParent { get; set; }

    private readonly Dictionary<Guid, DonationLedger> _loaded = [];

    /// <summary>The ledger as stored, with what this unit of work has queued for it.</summary>
    public async Task<DonationLedger> LoadAsync(Guid donationId, CancellationToken ct)
    {
        if (_pending.TryGetValue(donationId, out var pending)) return pending.Now;
        if (_loaded.TryGetValue(donationId, out var loaded)) return loaded;
        return _loaded[donationId] = DonationLedger.From(donationId, await session.Events.FetchStreamAsync(donationId, token: ct));
    }

    /// <summary>
    /// Reads at once the ledgers and documents a page's messages will ask for (a round trip per kind, not per message);
    /// what is already known to this unit of work is not read again.
    /// </summary>
    public async Task PrefetchAsync(CancellationToken ct, IEnumerable<Guid> ledgers, IEnumerable<Guid> touchpoints, IEnumerable<string> donorVisitors, IEnumerable<string> subscriptions, IEnumerable<string> visitors)
    {
        var streams = ledgers.Distinct().Where(id => !_pending.ContainsKey(id) && !_loaded.ContainsKey(id)).ToArray();
        if (streams.Length > 0)
        {
            var events = await session.Events.QueryAllRawEvents().Where(e => e.StreamId.IsOneOf(streams)).ToListAsync(ct);
            var byStream = events.ToLookup(e => e.StreamId);
            foreach (var id in streams) _loaded[id] = DonationLedger.From(id, byStream[id].OrderBy(e => e.Version).ToList());
        }
        await PrefetchAsync(touchpoints, ids => session.LoadManyAsync<ClickTouchpoint>(ct, ids), t => t.Id);
        await PrefetchAsync(donorVisitors, ids => session.LoadManyAsync<DonorVisitor>(ct, ids), v => v.Id);
        await PrefetchAsync(subscriptions, ids => session.LoadManyAsync<Subscription>(ct, ids), s => s.Id);
        // The visitors of the clicks just read: their donations are noted when decided.
        var clickVisitors = _documents.Values.Select(d => d.Document).OfType<ClickTouchpoint>()
            .Where(t => t.Click is { IsBot: false }).Select(t => VisitorDonations.DocumentId(t.NgoId!, t.VisitorId!));
        await PrefetchAsync(visitors.Concat(clickVisitors), ids => session.LoadManyAsync<VisitorDonations>(ct, ids), v => v.Id);
    }

    private async Task PrefetchAsync<T, TId>(IEnumerable<TId> ids, Func<TId[], Task<IReadOnlyList<T>>> load, Func<T, TId> idOf) where T : class where TId : notnull
    {
        var wanted = ids.Distinct().Where(id => !_documents.ContainsKey((typeof(T), id))).ToArray();
        if (wanted.Length == 0) return;
        var found = (await load(wanted)).ToDictionary(idOf);
        foreach (var id in wanted) _documents[(typeof(T), id)] = (found.GetValueOrDefault(id), Change.None, null);
    }

    public Task<ClickTouchpoint?> TouchpointAsync(Guid id, CancellationToken ct) => DocumentAsync(id, () => session.LoadAsync<ClickTouchpoint>(id, ct));

    public Task<Subscription?> SubscriptionAsync(string id, CancellationToken ct) => DocumentAsync(id, () => session.LoadAsync<Subscription>(id, ct));

    public Task<DonorVisitor?> DonorVisitorAsync(string id, CancellationToken ct) => DocumentAsync(id, () => session.LoadAsync<DonorVisitor>(id, ct));

    public Task<VisitorDonations?> VisitorDonationsAsync(string id, CancellationToken ct) => DocumentAsync(id, () => session.LoadAsync<VisitorDonations>(id, ct));

    /// <summary>A document new to the store, written at <see cref="SaveAsync"/>.</summary>
    public void Insert<T>(object id, T document) where T : class => _documents[(typeof(T), id)] = (document, Change.Insert, s => s.Insert(document));

    /// <summary>
    /// A document loaded through this unit of work and changed: written once, at its loaded version — an insert when
    /// the load found none, or when it is new here.
    /// </summary>
    public void Update<T>(object id, T document) where T : class =>
        _documents[(typeof(T), id)] = _documents.TryGetValue((typeof(T), id), out var known) && (known.Change == Change.Insert || known is { Change: Change.None, Document: null })
            ? (document, Change.Insert, s => s.Insert(document))
            : (document, Change.Update, s => s.Update(document));

    /// <summary>A document written whatever is stored (an upsert).</summary>
    public void Store<T>(object id, T document) where T : class => _documents[(typeof(T), id)] = (document, Change.Store, s => s.Store(document));

    private async Task<T?> DocumentAsync<T>(object id, Func<Task<T?>> load) where T : class
    {
        if (_documents.TryGetValue((typeof(T), id), out var known)) return (T?)known.Document;
        var document = await load();
        _documents[(typeof(T), id)] = (document, Change.None, null);
        return document;
    }

    public async Task<AttributionSettings> SettingsAsync(string ngo, CancellationToken ct) =>
        (await DocumentAsync(ngo, () => session.LoadAsync<NgoSettings>(ngo, ct)))?.ToSettings() ?? AttributionSettings.Default;

    /// <summary>Queues <paramref name="events"/> after the ledger <paramref name="readAt"/>, as loaded by <see cref="LoadAsync"/>.</summary>
    public void Append(DonationLedger readAt, params object[] events)
    {
        var now = events.Aggregate(readAt, (ledger, e) => ledger.Apply(e)) with { Version = readAt.Version + events.Length };
        var traced = events.Select(e => (e, TraceParent));
        _pending[readAt.Id] = _pending.TryGetValue(readAt.Id, out var pending)
            ? (pending.ReadAt, [.. pending.Events, .. traced], now)
            : (readAt, [.. traced], now);
    }

    /// <summary>
    /// Writes every queued document once and appends every queued event to its stream at the version it was read at,
    /// then commits the session: one transaction for the unit of work.
    /// </summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        foreach (var (_, _, flush) in _documents.Values) flush?.Invoke(session);
        foreach (var (id, (readAt, events, _)) in _pending)
        {
            var data = events.Select(e => e.Event).ToArray();
            var action = readAt.Version == 0 ? session.Events.StartStream(id, data) : session.Events.Append(id, readAt.Version + data.Length, data);
            for (var i = 0; i < events.Count && i < action.Events.Count; i++)
                if (events[i].Trace is { } trace) action.Events[i].SetHeader(DonationsTelemetry.TraceParentHeader, trace);
        }
        _pending.Clear();
        _loaded.Clear();
        _documents.Clear();
        await session.SaveChangesAsync(ct);
        foreach (var action in _afterCommit) action();
        _afterCommit.Clear();
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
        var (evidence, visitors) = await GatherAsync(donation, settings, firstPayment, ct);
        var decision = Rulebook.Decide(donation, evidence, settings);
        var current = ledger.Current;
        if (decision.IsRecordedIn(current) && current!.SettingsVersion == settings.Version && current.RefundedMinor == ledger.RefundedMinor)
            return null;

        var revision = Write(ledger, decision, settings, cause);
        await RememberAsync(donation, decision, revision, visitors, ct);
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

    /// <summary>Bookkeeping that later decisions read: the donor's visitor, the visitors' donations, the replay index, and dependent charges.</summary>
    private async Task RememberAsync(DonationReceived donation, Decision decision, DonationAttributed revision, IReadOnlyList<string> visitors, CancellationToken ct)
    {
        foreach (var visitorId in visitors)
        {
            var id = VisitorDonations.DocumentId(donation.NgoId, visitorId);
            var noted = await VisitorDonationsAsync(id, ct) ?? new VisitorDonations { Id = id };
            if (noted.Add(donation.DonationId, donation.OccurredAt)) Update(id, noted);
        }

        if (decision.Rule == Rules.ClickId && donation.DonorId is { Length: > 0 } donor && decision.Credits.FirstOrDefault()?.ClickId is { } clickId
            && (await TouchpointAsync(clickId, ct))?.VisitorId is { } visitor)
        {
            var id = DonorVisitor.DocumentId(donation.NgoId, donor);
            Store(id, new DonorVisitor(id, visitor));
        }

        Store(donation.DonationId, new DonationIndex(donation.DonationId, donation.NgoId, donation.OccurredAt, revision.SettingsVersion));

        if (donation.SubscriptionId is { Length: > 0 } subscriptionId
            && await SubscriptionAsync(Subscription.DocumentId(donation.NgoId, donation.Provider, subscriptionId), ct) is { } subscription
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

    /// <summary>What the rule book reads, and the visitors whose clicks it looked at.</summary>
    private async Task<(Evidence, IReadOnlyList<string> Visitors)> GatherAsync(DonationReceived donation, AttributionSettings settings, DonationAttributed? firstPayment, CancellationToken ct)
    {
        firstPayment ??= await FirstPaymentAsync(donation, ct);
        if (firstPayment is not null) return (Evidence.None with { FirstPayment = firstPayment }, []);
        var visitors = new List<string>(2);

        var from = donation.OccurredAt.AddDays(-settings.LookbackDays);
        ClickRecorded? named = null;
        IReadOnlyList<ClickRecorded> visitorClicks = [];
        if (Guid.TryParse(donation.ClickId, out var clickId))
        {
            named = (await TouchpointAsync(clickId, ct))?.Click;
            if (named is { IsBot: false } && named.NgoId == donation.NgoId)
            {
                visitorClicks = await VisitorClicksAsync(donation.NgoId, named.VisitorId, from, donation.OccurredAt, ct);
                visitors.Add(named.VisitorId);
            }
        }

        IReadOnlyList<ClickRecorded> donorClicks = [];
        if (donation.DonorId is { Length: > 0 } donor
            && await DonorVisitorAsync(DonorVisitor.DocumentId(donation.NgoId, donor), ct) is { } tie)
        {
            donorClicks = await VisitorClicksAsync(donation.NgoId, tie.VisitorId, from, donation.OccurredAt, ct);
            if (!visitors.Contains(tie.VisitorId)) visitors.Add(tie.VisitorId);
        }

        var fundraiserCampaign = donation.FundraiserId is { Length: > 0 } fundraiser
            ? (await DocumentAsync(FundraiserCampaign.DocumentId(donation.NgoId, fundraiser),
                () => session.LoadAsync<FundraiserCampaign>(FundraiserCampaign.DocumentId(donation.NgoId, fundraiser), ct)))?.CampaignId
            : null;
        return (new Evidence(named, visitorClicks, donorClicks, null, fundraiserCampaign), visitors);
    }

    private const int VisitorClicksLimit = 200;

    /// <summary>The visitor's clicks in the window, oldest first: the stored ones as this unit of work sees them, and those it has queued.</summary>
    private async Task<IReadOnlyList<ClickRecorded>> VisitorClicksAsync(string ngo, string visitor, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        bool InWindow(ClickTouchpoint t) => t.Click is not null && t.NgoId == ngo && t.VisitorId == visitor && !t.IsBot && t.ClickedAt >= from && t.ClickedAt <= until;
        var queued = _documents.Values.Where(d => d.Change != Change.None).Select(d => d.Document).OfType<ClickTouchpoint>().ToList();
        var stored = await session.Query<ClickTouchpoint>()
            .Where(t => t.NgoId == ngo && t.VisitorId == visitor && !t.IsBot && t.ClickedAt >= from && t.ClickedAt <= until)
            .OrderBy(t => t.ClickedAt)
            .Take(VisitorClicksLimit + queued.Count)
            .ToListAsync(ct);
        var seen = queued.Select(t => t.Id).ToHashSet();
        return stored.Where(t => !seen.Contains(t.Id))
            .Select(t => _documents.TryGetValue((typeof(ClickTouchpoint), t.Id), out var known) && known.Document is ClickTouchpoint mine ? mine : t)
            .Concat(queued)
            .Where(InWindow)
            .OrderBy(t => t.ClickedAt)
            .Take(VisitorClicksLimit)
            .Select(t => t.Click!)
            .ToList();
    }

    private async Task<DonationAttributed?> FirstPaymentAsync(DonationReceived donation, CancellationToken ct)
    {
        if (donation.SubscriptionId is not { Length: > 0 } subscriptionId) return null;
        var subscription = await SubscriptionAsync(Subscription.DocumentId(donation.NgoId, donation.Provider, subscriptionId), ct);
        if (subscription is null || subscription.FirstDonationId == donation.DonationId) return null;
        return (await LoadAsync(subscription.FirstDonationId, ct)).Current;
    }
}
