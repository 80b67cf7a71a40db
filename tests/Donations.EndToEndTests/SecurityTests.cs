using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Donations.Testing;

namespace Donations.EndToEndTests;

/// <summary>
/// OWASP API1 (broken object-level authorisation): every route of every service, as its OpenAPI document lists it,
/// is called with another NGO's keys and ids, and without a key. Webhooks (checked by signature) and the public
/// redirect are the only routes without a key.
/// </summary>
[Collection(SystemCollection.Name)]
public class SecurityTests(DonationsSystem system)
{
    [Fact]
    public async Task No_route_of_any_service_opens_another_ngos_data_or_answers_without_a_key()
    {
        var victim = await Scenario.NewNgoAsync(system);
        var attacker = await Scenario.NewNgoAsync(system);
        await victim.RegisterPostAsync("wall-4001_1", "secret-campaign", "secret-fundraiser");
        await victim.PostGenericAsync(Scenario.DonationBody("tx-victim-secret", 777_77));
        var donationId = (await victim.DonationAsync("tx-victim-secret")).Str("id");
        var values = new Dictionary<string, string>
        {
            ["ngo"] = victim.NgoId, ["id"] = donationId, ["provider"] = "generic", ["code"] = "x", ["kind"] = "pay",
        };

        var checkedRoutes = 0;
        foreach (var service in new[] { system.Ingestion, system.Attribution, system.Reporting })
        {
            using var anonymous = system.Client(service);
            var document = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
            foreach (var (template, operations) in document["paths"]!.AsObject())
            {
                if (template.StartsWith("/webhooks/", StringComparison.Ordinal) || template.StartsWith("/r/", StringComparison.Ordinal)) continue;
                var path = values.Aggregate(template, (p, v) => p.Replace($"{{{v.Key}}}", v.Value));
                if (template.Contains("/fundraisers/{id}", StringComparison.Ordinal)) path = path.Replace(donationId, "secret-fundraiser");
                foreach (var method in operations!.AsObject().Select(o => new HttpMethod(o.Key.ToUpperInvariant())))
                {
                    checkedRoutes++;
                    var unauthenticated = await SendAsync(anonymous, method, path);
                    Assert.True(unauthenticated.StatusCode == HttpStatusCode.Unauthorized, $"{method} {service.Name}{path} without a key: {unauthenticated.StatusCode}");

                    foreach (var key in new[] { attacker.ManagerKey, attacker.ViewerKey })
                    {
                        using var client = system.Client(service, key);
                        var response = await SendAsync(client, method, path);
                        var body = await response.Content.ReadAsStringAsync();
                        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound,
                            $"{method} {service.Name}{path} with another NGO's key: {response.StatusCode} {body}");
                        Assert.DoesNotContain("tx-victim-secret", body);
                        Assert.DoesNotContain("77777", body);
                        Assert.DoesNotContain("secret-campaign", body);
                    }
                }
            }
        }
        Assert.True(checkedRoutes >= 20, $"only {checkedRoutes} routes were found in the OpenAPI documents");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path) =>
        client.SendAsync(new HttpRequestMessage(method, path)
        {
            Content = method == HttpMethod.Get ? null : new StringContent("{}", Encoding.UTF8, "application/json"),
        });
}
