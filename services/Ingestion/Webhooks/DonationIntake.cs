using Marten.Schema;
using Donations.Contracts.Ingestion;
using Donations.ServiceDefaults.Storage;
using Donations.ServiceDefaults.Telemetry;
using JasperFx;
using Marten;
using Marten.Exceptions;

namespace Donations.Ingestion.Webhooks;

public enum Intake { Accepted, Duplicate }

/// <summary>
/// A delivery's own idempotency key (a Standard Webhooks <c>webhook-id</c>), stored with the fact it brought: a second
/// delivery with the same key is a duplicate whatever its body says.
/// </summary>
public sealed record DeliveryMark(Guid StreamId, object Fact);

public sealed record IntakeResult(Intake? Outcome, string? Problem)
{
    public static readonly IntakeResult Accepted = new(Intake.Accepted, null);
    public static readonly IntakeResult Duplicate = new(Intake.Duplicate, null);
    public static IntakeResult Refused(string problem) => new(null, problem);
}

/// <summary>What Ingestion knows of one payment's money: enough to refuse a refund above what remains.</summary>
/// <remarks>Read in one session and written in another (the group commit), so writes name the version they read.</remarks>
public sealed class DonationBalance
{
    public Guid Id { get; set; }
    public string? Currency { get; set; }
    public long? AmountMinor { get; set; }
    public long RefundedMinor { get; set; }
    [Version] public Guid Version { get; set; }
}

/// <summary>
/// The one door money comes through, whatever the provider. Each payment and each refund is the first event of
/// a stream whose id is derived from (NGO, provider, transaction id), so a second delivery — sequential or
/// concurrent, before or after a restart — collides in PostgreSQL and is answered as a duplicate. Nothing is
/// answered before it is committed; concurrent deliveries share commits (<see cref="GroupCommit"/>).
/// </summary>
public sealed class DonationIntake(ISessionFactory sessions, GroupCommit commits, ILogger<DonationIntake> log)
{
    private const int Attempts = 4;

    /// <summary>Deliveries touching one payment (its twins, its refunds) are decided one at a time in this instance.</summary>
    private readonly KeyedLock<Guid> _payments = new();

    public static Guid DonationId(string ngo, string provider, string providerTxId) => StableId.From("donation", ngo, provider, providerTxId);

    private static Guid RefundStreamId(DonationRefunded r) => StableId.From("refund", r.NgoId, r.Provider, r.RefundTxId);

    public Task<IntakeResult> AcceptAsync(DonationReceived donation, CancellationToken ct, DeliveryMark? mark = null) => WithRetriesAsync(donation.DonationId, async read =>
    {
        if (mark is not null && await read.Events.FetchStreamStateAsync(mark.StreamId, ct) is not null) return IntakeResult.Duplicate;
        // A stored payment always has a balance with its amount: a plain redelivery is answered from that one read,
        // without an append whose rollback would leave a gap in the event sequence for the forwarder to wait out.
        // Concurrent twins wait for each other in this instance; on two instances they still collide in the database.
        var balance = await read.LoadAsync<DonationBalance>(donation.DonationId, ct);
        if (balance?.AmountMinor is { } stored)
        {
            // The first delivery stands; a repeat that disagrees with it is a provider's or a sender's error for a person.
            if (stored != donation.AmountMinor || balance.Currency != donation.Currency)
            {
                log.LogWarning("Conflicting duplicate: {Provider} transaction {TxId} of {Ngo} was delivered again as {Amount} {Currency}, but was accepted as {StoredAmount} {StoredCurrency}; the first stands",
                    donation.Provider, donation.ProviderTxId, donation.NgoId, donation.AmountMinor, donation.Currency, stored, balance.Currency);
                DonationsTelemetry.ConflictingDuplicates.Add(1, new KeyValuePair<string, object?>("provider", donation.Provider));
            }
            return IntakeResult.Duplicate;
        }
        var result = await CommitAsync(session =>
        {
            session.Events.StartStream(donation.DonationId, donation);
            if (mark is not null) session.Events.StartStream(mark.StreamId, mark.Fact);
            if (balance is null) session.Insert(new DonationBalance { Id = donation.DonationId, Currency = donation.Currency, AmountMinor = donation.AmountMinor });
            else
            {
                // Refunds that arrived before their payment are already counted here.
                balance.Currency = donation.Currency;
                balance.AmountMinor = donation.AmountMinor;
                session.Update(balance);
            }
        }, ct);
        if (result.Outcome == Intake.Accepted)
            DonationsTelemetry.Donations.Add(1, new KeyValuePair<string, object?>("provider", donation.Provider), new KeyValuePair<string, object?>("currency", donation.Currency));
        return result;
    }, ct);

    public Task<IntakeResult> AcceptRefundAsync(DonationRefunded refund, CancellationToken ct, DeliveryMark? mark = null) => WithRetriesAsync(refund.DonationId, async read =>
    {
        if (mark is not null && await read.Events.FetchStreamStateAsync(mark.StreamId, ct) is not null) return IntakeResult.Duplicate;
        var streamId = RefundStreamId(refund);
        if (await read.Events.FetchStreamStateAsync(streamId, ct) is not null) return IntakeResult.Duplicate;

        var balance = await read.LoadAsync<DonationBalance>(refund.DonationId, ct);
        if (balance?.AmountMinor is { } amount)
        {
            if (balance.Currency != refund.Currency)
                return IntakeResult.Refused($"The refund is in {refund.Currency} but the payment '{refund.PaymentTxId}' was in {balance.Currency}.");
            if (refund.AmountMinor > amount - balance.RefundedMinor)
                return IntakeResult.Refused($"The refund of {refund.AmountMinor} is more than the {amount - balance.RefundedMinor} that remains of payment '{refund.PaymentTxId}'.");
        }

        return await CommitAsync(session =>
        {
            session.Events.StartStream(streamId, refund);
            if (mark is not null) session.Events.StartStream(mark.StreamId, mark.Fact);
            if (balance is null) session.Insert(new DonationBalance { Id = refund.DonationId, RefundedMinor = refund.AmountMinor });
            else
            {
                balance.RefundedMinor += refund.AmountMinor;
                session.Update(balance);
            }
        }, ct);
    }, ct);

    /// <summary>Records a fact that is not money, once per stream id.</summary>
    public Task<IntakeResult> RecordOnceAsync(Guid streamId, object fact, CancellationToken ct) => WithRetriesAsync(streamId, async read =>
        await read.Events.FetchStreamStateAsync(streamId, ct) is not null
            ? IntakeResult.Duplicate
            : await CommitAsync(session => session.Events.StartStream(streamId, fact), ct), ct);

    /// <summary>The currency of a payment already received, for refunds whose notification does not name one.</summary>
    public async Task<string?> PaymentCurrencyAsync(Guid donationId, CancellationToken ct) => (await BalanceAsync(donationId, ct))?.Currency;

    /// <summary>What is known of a payment's money: its amount once it arrived, and what was refunded of it.</summary>
    public async Task<DonationBalance?> BalanceAsync(Guid donationId, CancellationToken ct)
    {
        await using var session = sessions.QuerySession();
        return await session.LoadAsync<DonationBalance>(donationId, ct);
    }

    private async Task<IntakeResult> CommitAsync(Action<IDocumentSession> write, CancellationToken ct)
    {
        try
        {
            await commits.CommitAsync(write, ct);
            return IntakeResult.Accepted;
        }
        catch (ExistingStreamIdCollisionException)
        {
            return IntakeResult.Duplicate;
        }
    }

    /// <summary>Two deliveries touching the same payment's balance at once: the loser reads again and decides again.</summary>
    private async Task<IntakeResult> WithRetriesAsync(Guid key, Func<IQuerySession, Task<IntakeResult>> attempt, CancellationToken ct)
    {
        using var turn = await _payments.AcquireAsync(key, ct);
        for (var i = 1; ; i++)
        {
            await using var read = sessions.QuerySession();
            try
            {
                return await attempt(read);
            }
            catch (Exception e) when (i < Attempts && e is ConcurrencyException or DocumentAlreadyExistsException)
            {
                await Task.Delay(Random.Shared.Next(5, 20) * i, ct);
            }
        }
    }
}
