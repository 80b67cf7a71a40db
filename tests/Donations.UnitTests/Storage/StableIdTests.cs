using Donations.ServiceDefaults.Storage;

namespace Donations.UnitTests.Storage;

public class StableIdTests
{
    [Fact]
    public void The_same_key_gives_the_same_id_and_different_keys_differ()
    {
        Assert.Equal(StableId.From("donation", "ngo-a", "generic", "tx-1"), StableId.From("donation", "ngo-a", "generic", "tx-1"));
        Assert.NotEqual(StableId.From("donation", "ngo-a", "generic", "tx-1"), StableId.From("donation", "ngo-b", "generic", "tx-1"));
        // Parts are separated, so shifting characters between them gives another id.
        Assert.NotEqual(StableId.From("ab", "c"), StableId.From("a", "bc"));
    }
}
