using Donations.Ingestion.Catalog;
using Donations.Ingestion.Links;

namespace Donations.UnitTests.Links;

public class VkPostIdTests
{
    [Theory]
    [InlineData("wall-123_456", "wall-123_456")]
    [InlineData("https://vk.com/wall-123_456", "wall-123_456")]
    [InlineData("https://vk.com/helpkids?w=wall-123_456", "wall-123_456")]
    [InlineData("  wall42_7 ", "wall42_7")]
    public void Normalises_what_an_ngo_pastes(string input, string expected) => Assert.Equal(expected, VkPostId.Normalise(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("post-1")]
    [InlineData("https://vk.com/helpkids")]
    public void Refuses_what_is_not_a_post(string? input) => Assert.Null(VkPostId.Normalise(input));

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)")]
    [InlineData("TelegramBot (like TwitterBot)")]
    [InlineData("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)")]
    [InlineData("curl/8.5.0")]
    [InlineData("")]
    public void Flags_crawlers_and_preview_fetchers(string userAgent) => Assert.True(UserAgents.IsBot(userAgent));

    [Theory]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")]
    public void Lets_people_through(string userAgent) => Assert.False(UserAgents.IsBot(userAgent));
}
