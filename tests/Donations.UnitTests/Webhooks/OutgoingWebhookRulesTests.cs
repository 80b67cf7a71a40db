using System.Net;
using Donations.ServiceDefaults.Webhooks;

namespace Donations.UnitTests.Webhooks;

public class OutgoingWebhookRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_default_schedule_retries_nine_times_over_about_a_day()
    {
        var total = RetrySchedule.Default.Delays.Aggregate(TimeSpan.Zero, (sum, d) => sum + d);
        Assert.Equal(10, RetrySchedule.Default.Attempts);
        Assert.Equal(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(36) + TimeSpan.FromSeconds(5), total);
    }

    [Fact]
    public void Each_failure_waits_its_delay_with_at_most_ten_percent_jitter_and_the_schedule_ends()
    {
        var schedule = new RetrySchedule([TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)]);
        Assert.Equal(Now.AddSeconds(10), schedule.Next(1, Now, null, 0));
        var latest = schedule.Next(1, Now, null, 0.999999)!.Value;
        Assert.InRange(latest, Now.AddSeconds(10), Now.AddSeconds(11));
        Assert.Equal(Now.AddMinutes(1), schedule.Next(2, Now, null, 0));
        Assert.Null(schedule.Next(3, Now, null, 0));
        Assert.Null(schedule.Next(0, Now, null, 0));
    }

    [Fact]
    public void Retry_After_is_honoured_when_longer_up_to_the_longest_delay()
    {
        var schedule = new RetrySchedule([TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5)]);
        Assert.Equal(Now.AddSeconds(10), schedule.Next(1, Now, TimeSpan.FromSeconds(3), 0));
        Assert.Equal(Now.AddSeconds(90), schedule.Next(1, Now, TimeSpan.FromSeconds(90), 0));
        Assert.Equal(Now.AddMinutes(5), schedule.Next(1, Now, TimeSpan.FromHours(3), 0));
    }

    [Theory]
    [InlineData("1,2.5,60", 3)]
    [InlineData("", null)]
    [InlineData("1,x", null)]
    [InlineData("1,-2", null)]
    public void A_schedule_is_configured_as_seconds(string text, int? delays) => Assert.Equal(delays, RetrySchedule.Parse(text)?.Delays.Count);

    [Theory]
    [InlineData("93.184.216.34", true)]
    [InlineData("2a00:1450:4010:c05::64", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.5", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void Webhooks_go_only_to_public_addresses(string address, bool isPublic) => Assert.Equal(isPublic, TargetAddresses.IsPublic(IPAddress.Parse(address)));
}
