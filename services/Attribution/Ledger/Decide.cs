using Donations.Attribution.Decisions;
using Donations.Attribution.Models;
using Donations.Contracts.Attribution;
using Donations.Contracts.Ingestion;

namespace Donations.Attribution.Ledger;

public static class LedgerEvents
{
    public static DonationAttributed Attributed(DonationReceived d, int revision, Decision decision, AttributionSettings settings, DateTimeOffset now) =>
        new(d.NgoId, d.DonationId, revision, d.Provider, d.ProviderTxId, d.AmountMinor, d.Currency, d.OccurredAt,
            decision.Status, decision.Rule, decision.Reason, settings.Model, settings.LookbackDays, decision.Credits, now);
}
