using System.Text;
using System.Text.RegularExpressions;
using Donations.Testing;

namespace Donations.EndToEndTests;

/// <summary>The provider-written webhook bodies in ../shared/fixtures/webhooks, read as raw bytes.</summary>
public static partial class Fixtures
{
    public static string Directory { get; } = Path.Combine(ServiceProcess.RepoRoot(), "..", "shared", "fixtures", "webhooks");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    [GeneratedRegex("\"([^\"]+)\"=>\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex RubyPair();

    /// <summary>
    /// The gem's decoded-parameter fixtures are Ruby hash literals, not bodies: this turns one back into the
    /// form-urlencoded body CloudPayments would have sent (field order kept).
    /// </summary>
    public static byte[] FormFromRubyHash(string name)
    {
        var pairs = RubyPair().Matches(File.ReadAllText(Path.Combine(Directory, name)))
            .Select(m => (Key: m.Groups[1].Value, Value: m.Groups[2].Value.Replace("\\\"", "\"").Replace("\\\\", "\\")));
        return Encoding.UTF8.GetBytes(string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")));
    }
}
