using Donations.Reporting.Donations;
using Marten;

namespace Donations.Reporting.Reconciliation;

public sealed class ReconciliationOptions
{
    /// <summary>How long a difference may last before it counts as a mismatch: the time money takes to reach the reports.</summary>
    public int GraceSeconds { get; set; } = 60;

    /// <summary>How often the monitor reconciles every NGO.</summary>
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>How often the monitor compares every donation rather than what changed (<see cref="ReconciliationScan"/>).</summary>
    public int FullPassMinutes { get; set; } = 360;
}

/// <summary>Accepted and reported money of one NGO (or every NGO), provider and currency.</summary>
public sealed record ReconciliationRow(
    string Ngo, string Provider, string Currency, int AcceptedDonations, long AcceptedMinor, long AcceptedRefundedMinor,
    int ReportedDonations, long ReportedMinor, long ReportedRefundedMinor, int Pending, int Mismatched, int AwaitingPayment);

/// <summary>A donation that differs, as the monitor keeps it.</summary>
public sealed record DonationState(Guid DonationId, string Ngo, string State);

/// <summary>One donation whose reported money is not (yet) what was accepted.</summary>
public sealed record DonationDifference(
    Guid DonationId, string Provider, string ProviderTxId, string Currency, string State, long? AcceptedMinor, long? AcceptedRefundedMinor,
    long? ReportedMinor, long? ReportedRefundedMinor);

/// <summary>
/// Compares, donation by donation, the money Ingestion accepted (<see cref="AcceptedMoney"/>) with the donation views the
/// reports sum. A donation is <c>matched</c> when amount and refunds agree; <c>pending</c> while the difference is
/// younger than the grace period; <c>awaiting-payment</c> when only a refund has arrived (Attribution holds it until its
/// payment); otherwise <c>mismatched</c>: money lost, doubled or changed on the way.
/// </summary>
public static class ReconciliationQuery
{
    public const int DifferencesShown = 100;

    /// <summary>
    /// The comparison of every donation of <paramref name="ngo"/> (or of every NGO); with <paramref name="changes"/>, only of
    /// the donations either side changed since its moment, and of its donations (the ones pending last time).
    /// </summary>
    private static string Compared(IQuerySession session, string? ngo, int graceSeconds, List<object> parameters, Changes? changes = null)
    {
        var accepted = session.DocumentStore.Options.Schema.For<AcceptedMoney>(true);
        var views = session.DocumentStore.Options.Schema.For<DonationView>(true);
        string candidates = "", acceptedFilter = "", viewFilter = "";
        if (ngo is not null)
        {
            acceptedFilter = "where data->>'ngoId' = ?";
            viewFilter = "where ngo_id = ?";
            parameters.Add(ngo);
            parameters.Add(ngo);
        }
        else if (changes is not null)
        {
            // Both sides' documents of each candidate: a refund stored today belongs with a payment stored last month.
            candidates = $"""
                candidates as (
                  select {AcceptedDonation} as donation from {accepted} where mt_last_modified >= ?
                  union select id from {views} where mt_last_modified >= ?
                  union select unnest(?::uuid[])),
                """;
            acceptedFilter = $"where {AcceptedDonation} in (select donation from candidates)";
            viewFilter = "where id in (select donation from candidates)";
            parameters.AddRange([changes.Since, changes.Since, changes.Donations.ToArray()]);
        }
        parameters.Add(graceSeconds);
        return $"""
            with {candidates}
            accepted as (
              select data->>'donationId' as donation, min(data->>'ngoId') as ngo, min(data->>'provider') as provider,
                     min(data->>'providerTxId') as tx, min(data->>'currency') as currency, sum((data->>'amountMinor')::bigint) as amount,
                     sum((data->>'refundedMinor')::bigint) as refunded, bool_or(id like 'payment/%') as paid,
                     max((data->>'acceptedAt')::timestamptz) as at
              from {accepted} {acceptedFilter} group by data->>'donationId'),
            reported as (
              select id::text as donation, ngo_id as ngo, provider, data->>'providerTxId' as tx, currency, amount_minor as amount,
                     refunded_minor as refunded, (data->'latest'->>'decidedAt')::timestamptz as at
              from {views} {viewFilter}),
            compared as (
              select coalesce(a.ngo, r.ngo) as ngo, coalesce(a.provider, r.provider) as provider, coalesce(a.currency, r.currency) as currency,
                     coalesce(a.donation, r.donation) as donation, coalesce(a.tx, r.tx) as tx, coalesce(a.paid, false) as paid,
                     a.amount as accepted_amount, a.refunded as accepted_refunded, r.amount as reported_amount, r.refunded as reported_refunded,
                     case when (a.amount, a.refunded) is not distinct from (r.amount, r.refunded) then 'matched'
                          when a.donation is not null and not a.paid and r.donation is null then 'awaiting-payment'
                          when greatest(a.at, r.at) > now() - make_interval(secs => ?) then 'pending'
                          else 'mismatched' end as state
              from accepted a full join reported r on r.donation = a.donation)
            """;
    }

    /// <summary>The accepted-money document's donation, as its index spells it (so the index serves).</summary>
    private const string AcceptedDonation = "CAST(data ->> 'donationId' as uuid)";

    /// <summary>What the monitor looks at between two full passes: what changed since <see cref="Since"/>, and <see cref="Donations"/>.</summary>
    public sealed record Changes(DateTimeOffset Since, IReadOnlyCollection<Guid> Donations);

    /// <summary>
    /// The donations of every NGO that differ (not matched), each with its NGO and state; with <paramref name="changes"/>,
    /// every one among them, matched too (so that a difference since fixed is forgotten).
    /// </summary>
    public static async Task<IReadOnlyList<DonationState>> DifferingAsync(IQuerySession session, int graceSeconds, Changes? changes, CancellationToken ct)
    {
        var parameters = new List<object>();
        var compared = Compared(session, null, graceSeconds, parameters, changes);
        return await session.AdvancedSql.QueryAsync<DonationState>($"""
            {compared}
            select jsonb_build_object('donationId', donation, 'ngo', ngo, 'state', state) from compared{(changes is null ? " where state <> 'matched'" : "")}
            """, ct, [.. parameters]);
    }

    public static async Task<IReadOnlyList<ReconciliationRow>> RowsAsync(IQuerySession session, string? ngo, int graceSeconds, CancellationToken ct)
    {
        var parameters = new List<object>();
        var compared = Compared(session, ngo, graceSeconds, parameters);
        return await session.AdvancedSql.QueryAsync<ReconciliationRow>($"""
            {compared}
            select jsonb_build_object('ngo', ngo, 'provider', provider, 'currency', currency,
                     'acceptedDonations', count(*) filter (where paid), 'acceptedMinor', coalesce(sum(accepted_amount), 0),
                     'acceptedRefundedMinor', coalesce(sum(accepted_refunded), 0), 'reportedDonations', count(reported_amount),
                     'reportedMinor', coalesce(sum(reported_amount), 0), 'reportedRefundedMinor', coalesce(sum(reported_refunded), 0),
                     'pending', count(*) filter (where state = 'pending'), 'mismatched', count(*) filter (where state = 'mismatched'),
                     'awaitingPayment', count(*) filter (where state = 'awaiting-payment'))
            from compared group by ngo, provider, currency order by ngo, provider, currency
            """, ct, [.. parameters]);
    }

    public static async Task<IReadOnlyList<DonationDifference>> DifferencesAsync(IQuerySession session, string ngo, int graceSeconds, CancellationToken ct)
    {
        var parameters = new List<object>();
        var compared = Compared(session, ngo, graceSeconds, parameters);
        return await session.AdvancedSql.QueryAsync<DonationDifference>($"""
            {compared}
            select jsonb_build_object('donationId', donation, 'provider', provider, 'providerTxId', tx, 'currency', currency, 'state', state,
                     'acceptedMinor', accepted_amount, 'acceptedRefundedMinor', accepted_refunded,
                     'reportedMinor', reported_amount, 'reportedRefundedMinor', reported_refunded)
            from compared where state <> 'matched'
            order by state = 'mismatched' desc, donation limit {DifferencesShown}
            """, ct, [.. parameters]);
    }
}
