using Donations.Contracts.Attribution;
using Donations.Reporting.Facts;
using Donations.Reporting.OutgoingWebhooks;
using Donations.ServiceDefaults.Messaging;
using Donations.ServiceDefaults.Telemetry;
using Marten;
using MassTransit;

namespace Donations.Reporting.Donations;

/// <summary>
/// Applies Attribution's ledger to the read models, a page of revisions in one transaction. Revisions may arrive in
/// any order and more than once: each is kept in the history (for asOf), and the donation's view moves only to a
/// newer revision. The facts reports read are written in the same transaction (<see cref="DonationFacts"/>) as deltas
/// from the revisions already kept, so one page at a time in one place: the queue has a single active consumer. Two
/// instances writing one donation's first revisions at once each saw none kept, both counted it in the facts, and
/// Marten's insert of the view (on conflict do nothing) dropped the loser's revision silently (the fault suite, two
/// instances). The outgoing webhooks' events of the page are written in the same transaction (<see cref="DonationEvents"/>):
/// every revision in the page, so one moved here from the events' old queue still gets its deliveries.
/// </summary>
public sealed class LedgerConsumer(PageRunner pages, WebhookOutbox outbox, TimeProvider clock) : IConsumer<Batch<DonationAttributed>>
{
    public const string Endpoint = "reporting-ledger-ordered";

    public Task Consume(ConsumeContext<Batch<DonationAttributed>> context) => pages.RunAsync(context.Message, async (services, messages) =>
    {
        var ct = context.CancellationToken;
        var session = services.GetRequiredService<IDocumentSession>();
        var page = await LedgerPage.LoadAsync(session, messages.Select(m => m.Message), ct);
        foreach (var message in messages) page.Apply(message.Message, clock.GetUtcNow());
        page.Write();
        var events = await outbox.EnqueueAsync(session, messages.Select(m => DonationEvents.Of(m.Message)).DistinctBy(e => e.EventId).ToList(), clock.GetUtcNow(), ct);
        await session.SaveChangesAsync(ct);
        page.Observe(clock.GetUtcNow());
        if (events > 0) outbox.Written();
    });
}

/// <summary>The views a page of revisions touches, loaded at once, and what the page changes in the session.</summary>
public sealed class LedgerPage
{
    private readonly IDocumentSession _session;
    private readonly Dictionary<Guid, DonationView> _stored;
    private readonly Dictionary<Guid, List<DonationAttributed>> _known;
    private readonly Dictionary<Guid, DonationView> _changed = [];
    private readonly List<DonationAttributed> _firsts = [];
    private readonly List<FactRow> _facts = [];

    private LedgerPage(IDocumentSession session, Dictionary<Guid, DonationView> stored, Dictionary<Guid, List<DonationAttributed>> known) =>
        (_session, _stored, _known) = (session, stored, known);

    /// <summary>The views and the revisions already kept of every donation in the page, in two round trips.</summary>
    public static async Task<LedgerPage> LoadAsync(IDocumentSession session, IEnumerable<DonationAttributed> revisions, CancellationToken ct)
    {
        var ids = revisions.Select(r => r.DonationId).Distinct().ToArray();
        var views = await session.LoadManyAsync<DonationView>(ct, ids);
        var entries = await session.Query<LedgerEntry>().Where(e => e.DonationId.IsOneOf(ids)).ToListAsync(ct);
        var known = ids.ToDictionary(id => id, id => entries.Where(e => e.DonationId == id).Select(e => e.Decision).ToList());
        return new LedgerPage(session, views.ToDictionary(v => v.Id), known);
    }

    /// <summary>
    /// Applies one revision to the session: its facts, its history entry, the donation's view, the fundraisers to look
    /// at again. A revision already kept (a redelivery, or twice in the page) changes nothing.
    /// </summary>
    public void Apply(DonationAttributed decided, DateTimeOffset now)
    {
        var known = _known[decided.DonationId];
        if (DonationFacts.Rows(decided, known) is not { } facts) return;
        _facts.AddRange(facts);
        known.Add(decided);
        _session.Store(LedgerEntry.Of(decided));
        if (_changed.TryGetValue(decided.DonationId, out var view) || _stored.TryGetValue(decided.DonationId, out view))
        {
            // An older revision still touches the view, so two writers of one donation collide and one is retried.
            _changed[decided.DonationId] = view.Latest.Revision < decided.Revision ? view.Show(decided) : view;
        }
        else
        {
            _changed[decided.DonationId] = DonationView.Of(decided);
            _firsts.Add(decided);
        }
        FundraiserWatch.MarkCredited(_session, decided, now);
    }

    /// <summary>The page's facts in one statement; each changed view once: inserted when the store had none, else updated at the version read.</summary>
    public void Write()
    {
        DonationFacts.Write(_session, _facts);
        foreach (var (id, view) in _changed)
        {
            if (_stored.ContainsKey(id)) _session.Update(view);
            else _session.Insert(view);
        }
    }

    /// <summary>After the commit: the donations this page brought into the reports for the first time.</summary>
    public void Observe(DateTimeOffset now)
    {
        foreach (var decided in _firsts)
        {
            DonationsTelemetry.Decisions.Add(1, new KeyValuePair<string, object?>("status", decided.Status));
            if (decided.ReceivedAt is { } received)
                DonationsTelemetry.AttributionLag.Record((now - received).TotalMilliseconds, new KeyValuePair<string, object?>("provider", decided.Provider));
        }
    }
}
