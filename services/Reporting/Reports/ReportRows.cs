namespace Donations.Reporting.Reports;

// Rows as PostgreSQL aggregates them (one JSON object per row).

public sealed record CurrencyRow(string Currency, long GrossMinor, long RefundedMinor, long FeeMinor, long AttributedMinor, int Donations);

public sealed record ReasonRow(string Currency, string Reason, long NetMinor, int Donations);

/// <summary>Credited money per key (post, campaign, fundraiser or day) and currency.</summary>
public sealed record CreditRow(string Key, string Currency, long AttributedMinor, int Donations, int Donors);

/// <summary>Human and bot clicks on a key, the people (visitor cookies) behind the human ones, and the human clicks that came from VK ads.</summary>
public sealed record ClickRow(string Key, long Clicks, long BotClicks, long People, long PaidClicks = 0);

public sealed record SpendRow(string Key, string Currency, long OwnMinor, long GrantMinor);

public sealed record DayRow(string Day, string Currency, long GrossMinor, long RefundedMinor, long AttributedMinor, int Donations);

public sealed record DayKeyRow(string Day, string Key, string Currency, long AttributedMinor);

public sealed record ProviderMoneyRow(string Provider, string Currency, long GrossMinor, long RefundedMinor, long FeeMinor, int Donations);

// What reports answer.

public sealed record CurrencyTotals(
    string Currency, long GrossMinor, long RefundedMinor, long NetMinor, long AttributedMinor, long UnattributedMinor, int Donations,
    long FeeMinor, long NetOfFeeMinor)
{
    public static CurrencyTotals Of(CurrencyRow r)
    {
        var net = r.GrossMinor - r.RefundedMinor;
        return new CurrencyTotals(r.Currency, r.GrossMinor, r.RefundedMinor, net, r.AttributedMinor, net - r.AttributedMinor, r.Donations, r.FeeMinor, net - r.FeeMinor);
    }
}

public sealed record SummaryReport(IReadOnlyList<CurrencyTotals> Currencies, IReadOnlyList<ReasonRow> Unattributed);

/// <summary>
/// Money credited to one post or campaign in one currency, against what promoting it cost in that currency. The ratios
/// are roubles raised per rouble spent, so only rouble lines have them; other currencies show money and spend side by side.
/// </summary>
public sealed record MoneyLine(string Currency, long AttributedMinor, int Donations, long SpendOwnMinor, long SpendGrantMinor, double? RaisedPerRubleSpent, double? RaisedPerGrantRuble)
{
    public static MoneyLine Of(string currency, CreditRow? credit, SpendRow? spend)
    {
        var attributed = credit?.AttributedMinor ?? 0;
        var own = spend?.OwnMinor ?? 0;
        var grant = spend?.GrantMinor ?? 0;
        var roubles = currency == "RUB";
        return new MoneyLine(currency, attributed, credit?.Donations ?? 0, own, grant,
            roubles && own + grant > 0 ? Math.Round((double)attributed / (own + grant), 4) : null, roubles && grant > 0 ? Math.Round((double)attributed / grant, 4) : null);
    }

    public static IReadOnlyList<MoneyLine> Join(string key, ILookup<string, CreditRow> credits, ILookup<string, SpendRow> spend) =>
        credits[key].Select(c => c.Currency).Union(spend[key].Select(s => s.Currency)).Order()
            .Select(currency => Of(currency, credits[key].FirstOrDefault(c => c.Currency == currency), spend[key].FirstOrDefault(s => s.Currency == currency)))
            .ToList();
}

/// <summary>
/// One post's line. <see cref="Conversion"/> is people who gave ÷ people who clicked: the donors credited to the post
/// (<see cref="Donors"/>) over the distinct visitors behind its human clicks (<see cref="People"/>). It is not per
/// click, so a person who clicks twice and gives monthly counts once on each side. Human clicks split into
/// <see cref="PaidClicks"/> (they came from a VK ad, carrying VK Ads' <c>rb_clickid</c>) and <see cref="OrganicClicks"/>.
/// </summary>
public sealed record PostLine(
    string PostId, string CampaignId, string? FundraiserId, DateTimeOffset PublishedAt, long Clicks, long BotClicks, int Donations, double? Conversion,
    IReadOnlyList<MoneyLine> Money, long People = 0, int Donors = 0, long PaidClicks = 0, long OrganicClicks = 0, PostVkStats? Vk = null);

/// <summary>What VK last showed of the post, when it is a post of the NGO's connected community.</summary>
public sealed record PostVkStats(string Text, long Views, long Likes, long Reposts, long? Reach, DateTimeOffset RefreshedAt);

public sealed record CampaignLine(string CampaignId, string Name, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, IReadOnlyList<MoneyLine> Money);

public static class FundraiserStatus
{
    public const string Active = "active";
    public const string Reached = "reached";
    public const string Ended = "ended";
    public const string EndedShort = "ended short";

    public static string Of(long raised, long goal, DateTimeOffset deadline, DateTimeOffset now) =>
        now <= deadline ? raised >= goal ? Reached : Active : raised >= goal ? Ended : EndedShort;
}

public sealed record FundraiserLine(
    string FundraiserId, string Title, string? CampaignId, string Currency, long GoalMinor, long RaisedMinor, double Percent, int Donations, int Donors,
    DateTimeOffset Deadline, string Status);

public sealed record DailyReport(IReadOnlyList<DayTotals> Days, IReadOnlyList<DayKeyRow> ByKey);

public sealed record DayTotals(string Day, string Currency, long GrossMinor, long RefundedMinor, long NetMinor, long AttributedMinor, long UnattributedMinor, int Donations)
{
    public static DayTotals Of(DayRow r) => new(r.Day, r.Currency, r.GrossMinor, r.RefundedMinor, r.GrossMinor - r.RefundedMinor, r.AttributedMinor,
        r.GrossMinor - r.RefundedMinor - r.AttributedMinor, r.Donations);
}

/// <summary>Per provider and currency: money received, what the provider kept, and (VK Donut) what was paid out to the bank.</summary>
public sealed record PayoutLine(
    string Provider, string Currency, long GrossMinor, long RefundedMinor, long FeeMinor, long NetOfFeeMinor, int Donations,
    long PaidOutMinor, long PayoutFeeMinor, long ReachedBankMinor, int FailedPayouts);

/// <summary>A stretch of time during which the VK community was (or was not) verified, and what its posts raised.</summary>
public sealed record VerificationPeriod(
    bool Verified, DateTimeOffset From, DateTimeOffset? Until, string Currency, long AttributedToPostsMinor, int PostsCredited, long PerPostMinor, int Donations)
{
    /// <summary>Money per post credited, to the nearest minor unit (halves away from zero).</summary>
    public static long PerPost(long attributed, int posts) => posts > 0 ? (long)Math.Round((decimal)attributed / posts, MidpointRounding.AwayFromZero) : 0;
}
