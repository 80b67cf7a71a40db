using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>Secrets at rest, and keys that can be rotated and revoked and say when they were last used.</summary>
[Collection(SystemCollection.Name)]
public class KeysAndSecretsTests(DonationsSystem system)
{
    [Fact]
    public async Task No_provider_secret_is_stored_in_clear_and_webhooks_still_verify()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var secrets = new Dictionary<string, string>
        {
            ["cloudpayments"] = $"cp-{Guid.NewGuid():N}", ["vk"] = $"vk{Guid.NewGuid():N}"[..30], ["yookassa"] = $"live_{Guid.NewGuid():N}",
        };
        await ngo.ConfigureAsync("cloudpayments", new { apiSecret = secrets["cloudpayments"] });
        await ngo.ConfigureAsync("vk", new { groupId = 42, secret = secrets["vk"], confirmation = "abc" });
        await ngo.ConfigureAsync("yookassa", new { shopId = "12345", secretKey = secrets["yookassa"] });
        Assert.Equal(HttpStatusCode.OK, (await ngo.PostGenericAsync(Scenario.DonationBody("tx-sealed", 10_00))).StatusCode);

        foreach (var secret in secrets.Values.Append(Scenario.GenericSecret))
            Assert.Empty(await system.RowsContainingAsync("ingestion", secret));
        // The check itself finds what is there: the NGO's name is stored in clear.
        Assert.NotEmpty(await system.RowsContainingAsync("ingestion", ngo.NgoId));
        // Nor is the key that seals them: the key ring is encrypted with the operator's certificate.
        Assert.NotEmpty(await system.RowsContainingAsync("ingestion", "<encryptedSecret"));
        foreach (var service in new[] { "ingestion", "attribution", "reporting" }) Assert.Empty(await system.RowsContainingAsync(service, "<masterKey"));
    }

    [Fact]
    public async Task A_rotated_key_is_refused_on_every_service_when_the_rotation_is_answered_and_the_new_one_works()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        var oldViewer = ngo.ViewerKey;
        var rotated = await RotateAsync(ngo.Ingestion, ngo.NgoId, "viewer");
        Assert.True(rotated["propagated"]!.GetValue<bool>());
        var newViewer = rotated.Str("key");

        foreach (var service in new[] { system.Reporting, system.Attribution })
        {
            var path = service == system.Reporting ? $"/api/ngos/{ngo.NgoId}/reports/summary" : $"/api/ngos/{ngo.NgoId}/attribution-settings";
            using var old = system.Client(service, oldViewer);
            using var fresh = system.Client(service, newViewer);
            Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync(path)).StatusCode);
        }

        // The manager key itself, rotated with itself: the old one stops at once.
        var newManager = (await RotateAsync(ngo.Ingestion, ngo.NgoId, "manager")).Str("key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/keys/viewer/rotate", new { })).StatusCode);
        using var manager = system.Client(system.Ingestion, newManager);
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/keys/viewer/rotate", new { })).StatusCode);
        using var viewerAtIngestion = system.Client(system.Ingestion, newViewer);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewerAtIngestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/keys/viewer/rotate", new { })).StatusCode);
    }

    [Fact]
    public async Task The_admin_revokes_every_key_of_an_ngo_and_issues_new_ones()
    {
        var ngo = await Scenario.NewNgoAsync(system);
        using var admin = system.Client(system.Ingestion, DonationsSystem.AdminKey);
        var revoked = (await (await admin.DeleteAsync($"/api/ngos/{ngo.NgoId}/keys")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((2L, true), (revoked.Long("revoked"), revoked["propagated"]!.GetValue<bool>()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/summary")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ngo.Ingestion.PostAsJsonAsync($"/api/ngos/{ngo.NgoId}/campaigns", new { name = "x", startsAt = DateTimeOffset.UtcNow })).StatusCode);

        var manager = (await RotateAsync(admin, ngo.NgoId, "manager")).Str("key");
        using var reporting = system.Client(system.Reporting, manager);
        Assert.Equal(HttpStatusCode.OK, (await reporting.GetAsync($"/api/ngos/{ngo.NgoId}/reports/summary")).StatusCode);
        // Only the admin revokes.
        using var asManager = system.Client(system.Ingestion, manager);
        Assert.Equal(HttpStatusCode.Forbidden, (await asManager.DeleteAsync($"/api/ngos/{ngo.NgoId}/keys")).StatusCode);
    }

    [Fact]
    public async Task Keys_record_when_they_were_last_used_and_the_listing_never_shows_a_key()
    {
        var ngo = await Scenario.NewNgoAsync(system); // reads Reporting with the viewer key
        using var manager = system.Client(system.Reporting, ngo.ManagerKey);
        var response = await manager.GetStringAsync($"/api/ngos/{ngo.NgoId}/keys");
        Assert.DoesNotContain(ngo.ViewerKey, response);
        Assert.DoesNotContain(ngo.ManagerKey, response);
        var keys = JsonNode.Parse(response)!.AsArray();
        var viewer = keys.Single(k => k!.Str("role") == "viewer")!;
        Assert.True(DateTimeOffset.Parse(viewer.Str("lastUsedAt")) >= DateTimeOffset.Parse(viewer.Str("grantedAt")));
        Assert.Equal(HttpStatusCode.Forbidden, (await ngo.Reporting.GetAsync($"/api/ngos/{ngo.NgoId}/keys")).StatusCode);
    }

    private static async Task<JsonObject> RotateAsync(HttpClient client, string ngo, string role)
    {
        var response = await client.PostAsJsonAsync($"/api/ngos/{ngo}/keys/{role}/rotate", new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
