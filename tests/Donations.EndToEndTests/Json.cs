using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

public static class Json
{
    public static long Long(this JsonNode node, string name) => node[name]!.GetValue<long>();
    public static string Str(this JsonNode node, string name) => node[name]!.GetValue<string>();
    public static JsonNode Attribution(this JsonNode donation) => donation["attribution"]!;
    public static JsonArray Credits(this JsonNode donation) => donation["attribution"]!["credits"]!.AsArray();
    public static int Revision(this JsonNode donation) => donation["attribution"]!["revision"]!.GetValue<int>();
}
