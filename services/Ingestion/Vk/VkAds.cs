using System.Globalization;
using System.Text.Json;
using Donations.Contracts.Ingestion;
using Donations.Contracts.Money;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Ingestion.Vk;

/// <summary>One VK Ads campaign counted as spend of one of the NGO's campaigns, from its own budget or a VK grant.</summary>
public sealed record AdsCampaignMapping(long AdsCampaignId, string CampaignId, string Source);

/// <summary>The NGO's VK Ads account, keyed by the NGO; read with the VK connection's user token.</summary>
public sealed record VkAdsConnection(string Id, long AccountId, IReadOnlyList<AdsCampaignMapping> Campaigns, DateTimeOffset ConnectedAt);

/// <summary>What was last imported for one (NGO, VK Ads campaign, day); a re-import that differs replaces it.</summary>
public sealed record VkAdsDay(string Id, string NgoId, long AdsCampaignId, string Day, long AmountMinor, string CampaignId, string Source, Guid SpendId);

/// <summary>
/// VK Ads spend, imported per campaign and day with <c>ads.getStatistics</c>. Each (NGO, ads campaign, day) is one spend
/// whose id is derived from them, so importing a day again replaces its amount — in Reporting too, which keys spend by
/// that id — and never adds it twice. VK Ads accounts here are rouble accounts: <c>spent</c> is roubles.
/// </summary>
public sealed class VkAds(VkApi vk)
{
    public const string Currency = "RUB";
    private static readonly TimeSpan Moscow = TimeSpan.FromHours(3);

    public async Task<IReadOnlySet<long>> AccountsAsync(string userToken, CancellationToken ct)
    {
        var response = await vk.CallAsync("ads.getAccounts", new Dictionary<string, string>(), userToken, ct);
        return response.ValueKind == JsonValueKind.Array
            ? response.EnumerateArray().Select(a => a.TryGetProperty("account_id", out var id) && id.TryGetInt64(out var n) ? n : 0).Where(n => n != 0).ToHashSet()
            : new HashSet<long>();
    }

    public async Task<IReadOnlySet<long>> CampaignsAsync(long accountId, string userToken, CancellationToken ct)
    {
        var response = await vk.CallAsync("ads.getCampaigns", new Dictionary<string, string> { ["account_id"] = accountId.ToString(CultureInfo.InvariantCulture) }, userToken, ct);
        return response.ValueKind == JsonValueKind.Array
            ? response.EnumerateArray().Select(c => c.TryGetProperty("id", out var id) && id.TryGetInt64(out var n) ? n : 0).Where(n => n != 0).ToHashSet()
            : new HashSet<long>();
    }

    /// <summary>Imports every mapped campaign's spend of each day from <paramref name="from"/> to <paramref name="to"/> (Moscow days) into <paramref name="session"/>, unsaved.</summary>
    public async Task<int> ImportAsync(IDocumentSession session, string ngo, VkAdsConnection ads, string userToken, DateOnly from, DateOnly to, DateTimeOffset now, CancellationToken ct)
    {
        if (ads.Campaigns.Count == 0) return 0;
        var response = await vk.CallAsync("ads.getStatistics", new Dictionary<string, string>
        {
            ["account_id"] = ads.AccountId.ToString(CultureInfo.InvariantCulture), ["ids_type"] = "campaign",
            ["ids"] = string.Join(',', ads.Campaigns.Select(c => c.AdsCampaignId.ToString(CultureInfo.InvariantCulture))),
            ["period"] = "day", ["date_from"] = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["date_to"] = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, userToken, ct);
        var changed = 0;
        var mapping = ads.Campaigns.ToDictionary(c => c.AdsCampaignId);
        if (response.ValueKind != JsonValueKind.Array) return 0;
        foreach (var entry in response.EnumerateArray())
        {
            if (!entry.TryGetProperty("id", out var idElement) || !idElement.TryGetInt64(out var adsCampaign) || !mapping.TryGetValue(adsCampaign, out var map)) continue;
            if (!entry.TryGetProperty("stats", out var stats) || stats.ValueKind != JsonValueKind.Array) continue;
            foreach (var day in stats.EnumerateArray())
            {
                if (!day.TryGetProperty("day", out var d) || !DateOnly.TryParseExact(d.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) continue;
                var spentText = day.TryGetProperty("spent", out var s) ? s.ValueKind == JsonValueKind.String ? s.GetString() : s.GetRawText() : "0";
                // VK may give fractions of a kopeck; spend is counted in whole kopecks.
                if (!decimal.TryParse(spentText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var spent)
                    || !Amounts.TryFromMajor(Math.Round(spent, 2, MidpointRounding.AwayFromZero), Currency, out var minor)) continue;
                var key = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var id = $"{ngo}/{adsCampaign}/{key}";
                var before = await session.LoadAsync<VkAdsDay>(id, ct);
                var spendId = StableId.From("vk-ads-spend", ngo, adsCampaign.ToString(CultureInfo.InvariantCulture), key);
                var after = new VkAdsDay(id, ngo, adsCampaign, key, minor, map.CampaignId, map.Source, spendId);
                if (before == after || before is null && minor == 0) continue;
                session.Store(after);
                session.Events.Append(spendId, new SpendRecorded(ngo, spendId, map.CampaignId, null, minor, Currency, map.Source,
                    new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), Moscow), now));
                changed++;
            }
        }
        return changed;
    }
}
