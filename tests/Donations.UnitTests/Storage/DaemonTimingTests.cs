using Donations.ServiceDefaults.Storage;
using Microsoft.Extensions.Configuration;

namespace Donations.UnitTests.Storage;

public class DaemonTimingTests
{
    private static DaemonTiming From(params (string Key, string Value)[] settings) =>
        DaemonTiming.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Unconfigured_the_daemon_keeps_the_3_second_gap_wait_and_polling()
    {
        var timing = From();
        Assert.Equal(TimeSpan.FromSeconds(3), timing.GapWait);
        Assert.False(timing.WakeOnAppend);
    }

    [Fact]
    public void A_configured_gap_wait_and_wake_on_append_are_taken_as_given()
    {
        var timing = From((DaemonTiming.GapWaitKey, "500"), (DaemonTiming.WakeOnAppendKey, "true"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), timing.GapWait);
        Assert.True(timing.WakeOnAppend);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("99")]
    [InlineData("60001")]
    [InlineData("-500")]
    [InlineData("0.5s")]
    public void A_gap_wait_outside_100_ms_to_a_minute_stops_the_service_naming_the_key(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => From((DaemonTiming.GapWaitKey, value)));
        Assert.Contains(DaemonTiming.GapWaitKey, e.Message);
        Assert.Contains(value, e.Message);
    }

    [Fact]
    public void Wake_on_append_must_be_true_or_false()
    {
        var e = Assert.Throws<InvalidOperationException>(() => From((DaemonTiming.WakeOnAppendKey, "yes")));
        Assert.Contains(DaemonTiming.WakeOnAppendKey, e.Message);
    }
}
