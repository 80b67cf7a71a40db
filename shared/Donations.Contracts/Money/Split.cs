namespace Donations.Contracts.Money;

public static class Split
{
    /// <summary>
    /// Splits <paramref name="amountMinor"/> in proportion to <paramref name="weights"/> so that the parts sum
    /// exactly to the amount: each part gets its floor, and the leftover minor units go one each to the parts
    /// with the largest remainders (earlier parts win ties).
    /// </summary>
    public static long[] LargestRemainder(long amountMinor, IReadOnlyList<decimal> weights)
    {
        if (weights.Count == 0) throw new ArgumentException("At least one weight is needed.", nameof(weights));
        if (weights.Any(w => w < 0)) throw new ArgumentException("Weights cannot be negative.", nameof(weights));
        var total = weights.Sum();
        if (total == 0) throw new ArgumentException("Weights cannot all be zero.", nameof(weights));

        var parts = new long[weights.Count];
        var remainders = new decimal[weights.Count];
        long assigned = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = amountMinor * (weights[i] / total);
            parts[i] = (long)decimal.Floor(exact);
            remainders[i] = exact - parts[i];
            assigned += parts[i];
        }

        var order = Enumerable.Range(0, weights.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).ToArray();
        for (var k = 0; assigned < amountMinor; k = (k + 1) % order.Length, assigned++)
            parts[order[k]]++;
        return parts;
    }
}
