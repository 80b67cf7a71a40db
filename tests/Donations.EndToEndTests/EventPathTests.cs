using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

[Collection(SystemCollection.Name)]
public class EventPathTests(DonationsSystem system)
{
    [Fact]
    public async Task A_donation_carrying_a_click_id_is_attributed_to_the_clicked_post()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var post = await ngo.RegisterPostAsync("https://vk.com/wall-2001_17", "spring-appeal", "winter-coats");
        var clickId = await ngo.ClickAsync(await ngo.CreateLinkAsync(post));

        var accepted = await ngo.PostGenericAsync(Scenario.DonationBody("tx-attributed", 1500_00, clickId));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        var donation = await ngo.DonationAsync("tx-attributed", "attributed");
        Assert.Equal(1500_00, donation["amountMinor"]!.GetValue<long>());
        var attribution = donation["attribution"]!;
        Assert.Equal("attributed", attribution["status"]!.GetValue<string>());
        Assert.Equal("click-id", attribution["rule"]!.GetValue<string>());
        Assert.Equal("last-click", attribution["model"]!.GetValue<string>());
        var credit = Assert.Single(attribution["credits"]!.AsArray())!;
        Assert.Equal("wall-2001_17", credit["postId"]!.GetValue<string>());
        Assert.Equal("spring-appeal", credit["campaignId"]!.GetValue<string>());
        Assert.Equal("winter-coats", credit["fundraiserId"]!.GetValue<string>());
        Assert.Equal(clickId, credit["clickId"]!.GetValue<string>());
        Assert.Equal(1500_00, credit["amountMinor"]!.GetValue<long>());

        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal(1500_00, rub["grossMinor"]!.GetValue<long>());
        Assert.Equal(1500_00, rub["netMinor"]!.GetValue<long>());
        Assert.Equal(1500_00, rub["attributedMinor"]!.GetValue<long>());
        Assert.Equal(0, rub["unattributedMinor"]!.GetValue<long>());
        Assert.Equal(1, rub["donations"]!.GetValue<int>());
    }

    [Fact]
    public async Task Donations_without_a_usable_click_are_unattributed_with_their_reason()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var post = await ngo.RegisterPostAsync("wall-2001_18", "spring-appeal");
        var botClick = await ngo.ClickAsync(await ngo.CreateLinkAsync(post), "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)");

        await ngo.PostGenericAsync(Scenario.DonationBody("tx-no-click", 100_00));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-unknown-click", 200_00, Guid.NewGuid().ToString()));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-bot-click", 300_00, botClick));
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-fundraiser", 400_00, fundraiserId: "winter-coats"));

        await ngo.DonationAsync("tx-no-click", "no click id");
        await ngo.DonationAsync("tx-unknown-click", "unknown click id");
        await ngo.DonationAsync("tx-bot-click", "bot click");
        var byFundraiser = (await ngo.DonationAsync("tx-fundraiser", "attributed"))["attribution"]!;
        Assert.Equal("fundraiser", byFundraiser["rule"]!.GetValue<string>());
        Assert.Null(Assert.Single(byFundraiser["credits"]!.AsArray())!["postId"]);

        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal(1000_00, rub["grossMinor"]!.GetValue<long>());
        Assert.Equal(400_00, rub["attributedMinor"]!.GetValue<long>());
        Assert.Equal(600_00, rub["unattributedMinor"]!.GetValue<long>());
        Assert.Equal(4, rub["donations"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_same_webhook_delivered_again_is_answered_and_counted_once()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var body = Scenario.DonationBody("tx-repeated", 500_00);

        var first = await ngo.PostGenericAsync(body);
        var again = await ngo.PostGenericAsync(body);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ngo.PostGenericAsync(body)));

        Assert.Equal("accepted", (await first.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await again.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        // A later donation has passed through every service, so the repeats had every chance to be counted.
        await ngo.PostGenericAsync(Scenario.DonationBody("tx-after-repeats", 1_00));
        await ngo.DonationAsync("tx-after-repeats");
        var rub = (await ngo.RubSummaryAsync())!;
        Assert.Equal(2, rub["donations"]!.GetValue<int>());
        Assert.Equal(501_00, rub["grossMinor"]!.GetValue<long>());
        Assert.Single(await ngo.DonationsWithTxAsync("tx-repeated"));
    }
}
