using Donations.Contracts.Attribution;
using Donations.Reporting.Catalog;
using Donations.Reporting.Reports;
using Donations.ServiceDefaults.Storage;
using Marten;
using Microsoft.Extensions.Options;

namespace Donations.Reporting.OutgoingWebhooks;

/// <summary>
/// Raises <c>fundraiser.goal_reached</c> when a fundraiser's money (as its report counts it) first reaches the goal, and
/// <c>fundraiser.ended</c> once its deadline has passed. A deadline is a moment, not a message, so fundraisers are looked
/// at on a timer; each event is raised once, with its deliveries in the same transaction as its milestone.
/// </summary>
public sealed class FundraiserWatch(
    IDocumentStore store, WebhookOutbox outbox, Leadership leadership, TimeProvider clock, IOptions<OutgoingWebhookOptions> options, ILogger<FundraiserWatch> logger)
    : BackgroundService
{
    /// <summary>One replica watches at a time; a milestone's insert would refuse a second one anyway.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.RunAsLeaderAsync("fundraiser-watch", WatchEveryAsync, _ => { }, stoppingToken);

    private async Task WatchEveryAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.FundraiserWatchSeconds));
        do
        {
            try
            {
                // A scan on a timer is not anyone's request: left untraced, as the dispatcher's poll.
                using var untraced = OpenTelemetry.SuppressInstrumentationScope.Begin();
                await WatchAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Fundraisers could not be watched for webhooks; tried again in {Seconds} s", options.Value.FundraiserWatchSeconds);
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }

    /// <summary>
    /// Looks only at fundraisers whose money changed since the last look (<see cref="FundraiserToCheck"/>) and at those
    /// past their deadline without an end raised; the money is the fundraiser report's own sum, per NGO looked at.
    /// </summary>
    private async Task WatchAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var now = clock.GetUtcNow();
        var changed = await session.Query<FundraiserToCheck>().ToListAsync(ct);
        var ended = (await session.Query<FundraiserMilestone>().Where(m => m.Type == WebhookEventTypes.FundraiserEnded).Select(m => m.Id).ToListAsync(ct)).ToHashSet();
        var due = (await session.Query<FundraiserView>().Where(f => f.Deadline < now).ToListAsync(ct))
            .Where(f => !ended.Contains(MilestoneId(f.NgoId, f.FundraiserId, WebhookEventTypes.FundraiserEnded))).ToList();
        var ngos = changed.Select(c => c.NgoId).Concat(due.Select(f => f.NgoId)).Distinct().ToList();
        if (ngos.Count == 0) return;

        var reached = (await session.LoadManyAsync<FundraiserMilestone>(ct,
            changed.Select(c => MilestoneId(c.NgoId, c.FundraiserId, WebhookEventTypes.FundraiserGoalReached)))).Select(m => m.Id).ToHashSet();
        var raised = reached.Concat(ended).ToHashSet();
        var written = 0;
        foreach (var ngo in ngos)
        {
            var (query, _) = await ReportQuery.OfAsync(session, ngo, null, null, null, null, null, ct);
            foreach (var line in await ReportEndpoints.FundraiserLinesAsync(new ReportSql(session, query!), session, clock, ct))
            {
                if (line.RaisedMinor >= line.GoalMinor && line.GoalMinor > 0)
                    written += await RaiseAsync(session, ngo, line, WebhookEventTypes.FundraiserGoalReached, raised, now, ct);
                if (now > line.Deadline) written += await RaiseAsync(session, ngo, line, WebhookEventTypes.FundraiserEnded, raised, now, ct);
            }
        }
        // A fundraiser marked again while this look ran keeps its new mark for the next look.
        foreach (var mark in changed) session.DeleteWhere<FundraiserToCheck>(c => c.Id == mark.Id && c.Mark == mark.Mark);
        await session.SaveChangesAsync(ct);
        if (written > 0) outbox.Written();
    }

    private async Task<int> RaiseAsync(IDocumentSession session, string ngo, FundraiserLine line, string type, HashSet<string> raised, DateTimeOffset now, CancellationToken ct)
    {
        var id = MilestoneId(ngo, line.FundraiserId, type);
        if (!raised.Add(id)) return 0;
        session.Insert(new FundraiserMilestone(id, ngo, line.FundraiserId, type, now));
        var data = new
        {
            ngoId = ngo, fundraiserId = line.FundraiserId, title = line.Title, campaignId = line.CampaignId, currency = line.Currency, goalMinor = line.GoalMinor,
            raisedMinor = line.RaisedMinor, percent = line.Percent, donations = line.Donations, donors = line.Donors, deadline = line.Deadline, status = line.Status,
        };
        return await outbox.EnqueueAsync(session, ngo, type, StableId.From(type, ngo, line.FundraiserId), now, data, now, ct);
    }

    private static string MilestoneId(string ngo, string fundraiserId, string type) => $"{ngo}/{fundraiserId}/{type}";

    /// <summary>Marks the fundraisers a ledger revision credits, in the revision's own transaction, for the next look.</summary>
    public static void MarkCredited(IDocumentSession session, DonationAttributed decided, DateTimeOffset now)
    {
        foreach (var fundraiser in decided.Credits.Select(c => c.FundraiserId).OfType<string>().Distinct())
            session.Store(new FundraiserToCheck(ViewKey.Of(decided.NgoId, fundraiser), decided.NgoId, fundraiser, Guid.NewGuid(), now));
    }
}
