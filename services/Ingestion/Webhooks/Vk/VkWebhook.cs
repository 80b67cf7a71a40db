using System.Text.Json;
using Donations.Contracts.Ingestion;
using Donations.Contracts.Money;
using Donations.Ingestion.Donors;
using Donations.Ingestion.Providers;
using Donations.Ingestion.Vk;
using Donations.ServiceDefaults.Http;
using Donations.ServiceDefaults.Security;
using Donations.ServiceDefaults.Storage;
using Marten;

namespace Donations.Ingestion.Webhooks.Vk;

/// <summary>
/// VK Callback API. VK signs nothing: the body's <c>secret</c> must equal the community's Callback secret and
/// <c>group_id</c> the community the NGO registered. <c>confirmation</c> is answered with the NGO's confirmation
/// string; every other event with <c>ok</c>, once stored, once per <c>event_id</c>. VK Donut subscriptions and
/// prolongations are money (fee = amount − amount_without_fee); VK Pay transfers are money; withdrawals are payouts.
/// </summary>
public static class VkWebhook
{
    public const string Currency = "RUB";

    private static IResult Ok() => TypedResults.Text("ok");

    public static async Task<IResult> Receive(
        string ngo, HttpRequest request, ProviderSettingsCache settingsCache, IQuerySession session, IDocumentStore sessions, DonationIntake intake, DonorVault donors, TimeProvider clock,
        CancellationToken ct)
    {
        var (delivery, refused) = await WebhookGate.OpenAsync(ngo, Provider.Vk, request, settingsCache, session, ct);
        if (delivery is null) return refused!;
        var settings = delivery.Settings;

        JsonElement root;
        try
        {
            root = JsonDocument.Parse(delivery.Body).RootElement;
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"The body is not JSON: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object || Text(root, "type") is not { } type)
            return Problems.BadRequest("A VK Callback API event is a JSON object with 'type'.");
        if (!ApiKeys.FixedTimeEquals(Text(root, "secret") ?? "", settings.Secret!))
            return Problems.Unauthorized("'secret' does not match the Callback API secret configured for this NGO.");
        if (!root.TryGetProperty("group_id", out var group) || group.ValueKind != JsonValueKind.Number || !group.TryGetInt64(out var groupId) || groupId != settings.VkGroupId)
            return Problems.Forbidden($"'group_id' is not the VK community ({settings.VkGroupId}) configured for this NGO.");
        if (type == "confirmation") return TypedResults.Text(settings.VkConfirmation!);

        if (WebhookFields.IdProblem("event_id", Text(root, "event_id"), 100) is { } idProblem) return Problems.BadRequest(idProblem);
        var eventId = Text(root, "event_id")!;
        var o = root.TryGetProperty("object", out var obj) && obj.ValueKind == JsonValueKind.Object ? obj : default;
        var now = clock.GetUtcNow();
        var userId = o.ValueKind == JsonValueKind.Object && o.TryGetProperty("user_id", out var user) ? user.GetRawText() : null;
        var factId = StableId.From("vk-event", ngo, eventId);
        // A VK user id names a person: only its pseudonym is kept, for the donor and for their Donut subscription.
        async Task<string?> PseudonymAsync(string? vkUser) => vkUser is null ? null : (await donors.IdentifyAsync(ngo, $"vk:{vkUser}", new DonorDetails(null, null), ct))!.Id;
        var donor = await PseudonymAsync(userId);

        switch (type)
        {
            case "donut_subscription_create" or "donut_subscription_prolonged":
            {
                if (!TryRubles(o, "amount", out var amount) || !TryRubles(o, "amount_without_fee", out var net) || userId is null)
                    return Problems.Unprocessable($"'{type}' needs 'user_id', 'amount' and 'amount_without_fee' in roubles.");
                if (Currencies.Problem(amount, Currency) is { } problem) return Problems.Unprocessable(problem);
                return Answer(await intake.AcceptAsync(Donation(ngo, eventId, amount, now, now, $"donut:{donor}", donor!, null, Math.Max(0, amount - net)), ct));
            }
            case "vkpay_transaction":
            {
                // VK Pay transfers count in thousandths of a rouble; a donation is whole kopecks.
                if (!o.TryGetProperty("amount", out var raw) || raw.ValueKind != JsonValueKind.Number || !raw.TryGetInt64(out var thousandths) || thousandths % 10 != 0
                    || Text(o, "from_id", raw: true) is not { } from)
                    return Problems.Unprocessable("'vkpay_transaction' needs 'from_id' and 'amount' in thousandths of a rouble (whole kopecks).");
                var amount = thousandths / 10;
                if (Currencies.Problem(amount, Currency) is { } problem) return Problems.Unprocessable(problem);
                var at = now;
                if (o.TryGetProperty("date", out var date))
                {
                    if (date.ValueKind != JsonValueKind.Number || !date.TryGetInt64(out var unix) || unix is < 0 or > 253402300799)
                        return Problems.BadRequest(WebhookFields.TimeProblem("object.date", "Unix time in whole seconds, such as 1732100000"));
                    at = DateTimeOffset.FromUnixTimeSeconds(unix);
                }
                return Answer(await intake.AcceptAsync(Donation(ngo, eventId, amount, at, now, null, (await PseudonymAsync(from))!, ClickId(o), null), ct));
            }
            case "donut_subscription_cancelled" or "donut_subscription_expired" or "donut_subscription_price_changed":
            {
                long? newAmount = TryRubles(o, "amount_new", out var price) ? price : null;
                return Answer(await intake.RecordOnceAsync(factId, new SubscriptionStatusChanged(
                    ngo, Provider.Vk, $"donut:{donor}", type["donut_subscription_".Length..], donor, newAmount, Currency, now), ct));
            }
            case "donut_money_withdraw":
            {
                if (!TryRubles(o, "amount", out var amount) || !TryRubles(o, "amount_without_fee", out var net))
                    return Problems.Unprocessable("'donut_money_withdraw' needs 'amount' and 'amount_without_fee' in roubles.");
                return Answer(await intake.RecordOnceAsync(factId, new PayoutRecorded(ngo, Provider.Vk, eventId, amount, Math.Max(0, amount - net), Currency, true, null, now), ct));
            }
            case "donut_money_withdraw_error":
                return Answer(await intake.RecordOnceAsync(factId, new PayoutRecorded(ngo, Provider.Vk, eventId, 0, 0, Currency, false, Text(o, "reason"), now), ct));
            case "wall_post_new":
            {
                // A new post of the community shows in the posts list at once; its counts come with the next sync.
                if (VkWallPost.TryParse(o) is not { } post) return Ok();
                await using var writer = sessions.LightweightSession();
                // A redelivery after a sync must not overwrite the counts the sync read.
                if (await writer.LoadAsync<VkPost>(Catalog.CatalogKey.Of(ngo, post.PostId), ct) is not null) return Ok();
                await VkPosts.RefreshAsync(writer, ngo, [post], null, now, ct);
                await writer.SaveChangesAsync(ct);
                return Ok();
            }
            default:
                return Ok(); // other community events are acknowledged and not ours to keep
        }
    }

    private static DonationReceived Donation(
        string ngo, string eventId, long amount, DateTimeOffset at, DateTimeOffset received, string? subscription, string donor, string? clickId, long? fee) =>
        new(ngo, DonationIntake.DonationId(ngo, Provider.Vk, eventId), Provider.Vk, eventId, amount, Currency, at, clickId, null, subscription, donor, received, fee);

    /// <summary>A click id can only travel in VK Pay's <c>payload</c> (JSON with click_id) or in the description as "click_id=…".</summary>
    private static string? ClickId(JsonElement o)
    {
        if (Text(o, "payload") is { } payload)
        {
            try
            {
                using var json = JsonDocument.Parse(payload);
                if (json.RootElement.ValueKind == JsonValueKind.Object && Text(json.RootElement, "click_id") is { } id) return id;
            }
            catch (JsonException)
            {
                // A payload that is not JSON carries no click id.
            }
        }
        var description = Text(o, "description") ?? "";
        var at = description.IndexOf("click_id=", StringComparison.Ordinal);
        return at < 0 ? null : new string(description[(at + "click_id=".Length)..].TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c == '-').ToArray());
    }

    private static bool TryRubles(JsonElement o, string name, out long minor)
    {
        minor = 0;
        return o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var roubles)
               && roubles >= 0 && Amounts.TryFromMajor(roubles, Currency, out minor);
    }

    private static string? Text(JsonElement o, string name, bool raw = false) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : raw && value.ValueKind == JsonValueKind.Number ? value.GetRawText() : null
            : null;

    private static IResult Answer(IntakeResult result) => result.Outcome is null ? Problems.Unprocessable(result.Problem!) : Ok();
}
