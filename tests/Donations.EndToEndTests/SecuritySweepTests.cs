using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Donations.EndToEndTests;

/// <summary>
/// A sweep of what arrives from the open internet, over every route each service's OpenAPI document lists (webhooks and
/// the redirect included): malformed and oversized keys, path tricks in link codes, header injection, bodies of the
/// wrong type. Each must get a clear 4xx (a problem+json where the service answers, a bare status where Kestrel refuses
/// the request before it is one), leak nothing of the NGO's, and store nothing in any service. What each attempt got is
/// written to <c>logs/security-sweep.md</c> beside the test binaries; docs/reliability.md summarises it.
/// </summary>
[Collection(SystemCollection.Name)]
public class SecuritySweepTests(DonationsSystem system)
{
    private static readonly string[] Services = ["ingestion", "attribution", "reporting"];
    private readonly List<string> _tried = [];

    [Fact]
    public async Task Malformed_and_oversized_keys_get_401_403_or_431_on_every_route_and_store_nothing()
    {
        var victim = await VictimAsync();
        var attacker = await Scenario.NewNgoAsync(system);
        var before = await SettledRowsAsync();
        // The management API answers 401 for a key it does not know, 403 for a key that is not the one a route needs (the admin route).
        HttpStatusCode[] refused = [HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden], tooLarge = [HttpStatusCode.RequestHeaderFieldsTooLarge];
        var variants = new (string Name, Action<HttpRequestMessage> Add, HttpStatusCode[] ApiExpects)[]
        {
            ("'Bearer' without a key", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer"), refused),
            ("'Bearer' and spaces", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer     "), refused),
            ("Basic credentials made of the viewer key", r => r.Headers.TryAddWithoutValidation("Authorization",
                "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{victim.NgoId}:{victim.ViewerKey}"))), refused),
            ("the viewer key with a word after it", r => r.Headers.TryAddWithoutValidation("Authorization", $"Bearer {victim.ViewerKey} admin"), refused),
            ("the viewer key with its last character changed", r => r.Headers.TryAddWithoutValidation("Authorization",
                $"Bearer {victim.ViewerKey[..^1]}{(victim.ViewerKey[^1] == 'x' ? 'y' : 'x')}"), refused),
            ("two Authorization headers, another NGO's key and the viewer key", r =>
            {
                r.Headers.TryAddWithoutValidation("Authorization", $"Bearer {attacker.ManagerKey}");
                r.Headers.TryAddWithoutValidation("Authorization", $"Bearer {victim.ViewerKey}");
            }, refused),
            ("a 16 KiB key", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('k', 16 * 1024)), refused),
            ("a 64 KiB key (over Kestrel's 32 KiB of headers)", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('k', 64 * 1024)),
                tooLarge),
            ("200 headers with the viewer key (over Kestrel's 100 headers)", r =>
            {
                for (var i = 0; i < 200; i++) r.Headers.TryAddWithoutValidation($"X-Key-{i}", $"Bearer {victim.ViewerKey}");
            }, tooLarge),
        };

        foreach (var (service, method, path, isApi, _) in await RoutesAsync(victim, "nosuchcode"))
        foreach (var (name, add, apiExpects) in variants)
        {
            using var client = system.Client(service);
            var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Get ? null : JsonBody("{}") };
            add(request);
            var response = await client.SendAsync(request);
            await AssertClearRefusalAsync(response, $"{name}: {method} {service.Name}{path}", isApi ? apiExpects : null);
            Record("key", name, $"{method} {service.Name}{path}", response);
        }

        // Below the HTTP client libraries, as raw bytes: control characters and invalid UTF-8 end at Kestrel (400); a UTF-8
        // key is read and is not one anyone was given (401).
        var prefix = Encoding.ASCII.GetBytes("Bearer ");
        var raw = new (string Name, byte[] Key, int Expected)[]
        {
            ("a key with NUL in it", [.. prefix, .. Encoding.ASCII.GetBytes(victim.ViewerKey), 0], 400),
            ("a key with a bare CR and a header after it", [.. prefix, .. Encoding.ASCII.GetBytes(victim.ViewerKey + "\rX-Admin: 1")], 400),
            ("a key that is not valid UTF-8", [.. prefix, 0xC3, 0x28, .. Encoding.ASCII.GetBytes(victim.ViewerKey)], 400),
            ("a Cyrillic key", [.. prefix, .. Encoding.UTF8.GetBytes("ключ-" + victim.ViewerKey)], 401),
        };
        foreach (var (name, key, expected) in raw)
        foreach (var (service, path) in new[] { (system.Reporting, $"/api/ngos/{victim.NgoId}/reports/summary"), (system.Ingestion, "/r/nosuchcode") })
        {
            byte[] request = [.. Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: "), .. key, .. "\r\n\r\n"u8];
            var answer = await RawHttp.SendAsync(service.BaseAddress, request);
            var status = RawHttp.Status(answer);
            // The redirect takes no key: a readable one leaves it to say the code is unknown.
            Assert.True(status == (expected == 401 && path.StartsWith("/r/", StringComparison.Ordinal) ? 404 : expected), $"{name}: GET {service.Name}{path}\n{answer}");
            Assert.DoesNotContain("grossMinor", answer);
            Record("key", name, $"GET {service.Name}{path}", status);
        }

        await AssertNothingStoredAsync(before);
        await WriteAsync("keys");
    }

    [Fact]
    public async Task Path_tricks_in_link_codes_find_no_link_record_no_click_and_set_no_cookie()
    {
        var victim = await VictimAsync();
        var code = await victim.CreateLinkAsync(await victim.RegisterPostAsync("wall-9901_2", "tricks"));
        var before = await SettledRowsAsync();
        var tricks = new[]
        {
            ("the code with NUL appended", $"/r/{code}%00"),
            ("the code with CR LF and a header appended", $"/r/{code}%0d%0aSet-Cookie:%20dvid=attacker"),
            ("the code, then an encoded path back to the API", $"/r/{code}%2F..%2F..%2Fapi%2Fngos%2F{victim.NgoId}%2Freports%2Fsummary"),
            ("an encoded climb out of /r", $"/r/..%2F..%2Fapi%2Fngos%2F{victim.NgoId}%2Freports%2Fsummary"),
            ("a double-encoded climb", "/r/%252e%252e%252fapi"),
            ("dot segments", "/r/%2e%2e/%2e%2e/api/ngos"),
            ("the code upper-cased", $"/r/{Flip(code)}"),
            ("the code with a trailing space", $"/r/{code}%20"),
            ("the code with a trailing dot", $"/r/{code}."),
            ("the code with a matrix parameter", $"/r/{code};jsessionid=1"),
            ("the code and more path", $"/r/{code}/extra"),
            ("an empty code", "/r/"),
            ("a Cyrillic code", "/r/%D0%BA%D0%BE%D0%B4"),
            ("a 33-character code", "/r/" + new string('a', 33)),
            ("a 4,000-character code", "/r/" + new string('a', 4000)),
            ("a 9,000-character code (over Kestrel's 8 KiB request line)", "/r/" + new string('a', 9000)),
            ("a code of SQL", "/r/'%20OR%20'1'='1"),
            ("a code of JSON", "/r/%7B%22id%22%3A1%7D"),
        };
        foreach (var (name, path) in tricks)
        {
            var answer = await RawHttp.SendAsync(system.Ingestion.BaseAddress,
                $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {Scenario.Browser}\r\nConnection: close\r\n\r\n");
            var status = RawHttp.Status(answer);
            Assert.True(status is >= 400 and < 500, $"{name}: {path} got {status}\n{answer}");
            var headers = answer.Split("\r\n\r\n")[0];
            Assert.DoesNotContain("Set-Cookie", headers, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Location", headers, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("attacker", headers);
            Assert.DoesNotContain("grossMinor", answer);
            Record("path", name, path.Length > 80 ? path[..60] + "…" : path, status);
        }

        Assert.Equal(["0"], await system.QuerySqlAsync("ingestion", "select count(*) from mt_events where data->>'linkCode' = $1", code));
        await AssertNothingStoredAsync(before);
        await WriteAsync("paths");
    }

    [Fact]
    public async Task Header_injection_and_ambiguous_framing_get_400_and_a_closed_connection_before_anything_runs()
    {
        var victim = await VictimAsync();
        var code = await victim.CreateLinkAsync(await victim.RegisterPostAsync("wall-9901_3", "injection"));
        var before = await SettledRowsAsync();
        var body = Scenario.DonationBody("tx-smuggled", 500_00);
        var signature = $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()},v1=0";
        var webhook = $"/webhooks/generic/{victim.NgoId}";
        var attempts = new[]
        {
            ("a bare CR inside a header value", $"GET /r/{code} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: a\rSet-Cookie: dvid=attacker\r\n\r\n"),
            ("a bare LF inside a header value", $"GET /r/{code} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: a\nSet-Cookie: dvid=attacker\r\n\r\n"),
            ("a folded header line (obs-fold)", $"GET /r/{code} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: a\r\n Set-Cookie: dvid=attacker\r\n\r\n"),
            ("NUL in a header value", $"GET /r/{code} HTTP/1.1\r\nHost: 127.0.0.1\r\nReferer: https://vk.com/\0evil\r\n\r\n"),
            ("a space before a header's colon", $"GET /r/{code} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent : a\r\n\r\n"),
            ("a header name with a space", $"GET /r/{code} HTTP/1.1\r\nHost: 127.0.0.1\r\nX Forwarded For: 185.71.76.5\r\n\r\n"),
            ("two Host headers", $"GET /r/{code} HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n"),
            ("no Host header", $"GET /r/{code} HTTP/1.1\r\nUser-Agent: a\r\n\r\n"),
            ("CR LF encoded into the request line", $"GET /r/{code}\r\nSet-Cookie: dvid=attacker HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
            ("Content-Length and Transfer-Encoding together",
                $"POST {webhook} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nDonations-Signature: {signature}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n{body.Length:x}\r\n{body}\r\n0\r\n\r\n"),
            ("two different Content-Lengths",
                $"POST {webhook} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nDonations-Signature: {signature}\r\nContent-Length: {body.Length}\r\nContent-Length: 2\r\n\r\n{body}"),
            ("a Transfer-Encoding Kestrel does not know",
                $"POST {webhook} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nDonations-Signature: {signature}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n{body.Length:x}\r\n{body}\r\n0\r\n\r\n"),
            ("an HTTP/1.0 request with a chunked body",
                $"POST {webhook} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nDonations-Signature: {signature}\r\nTransfer-Encoding: chunked\r\n\r\n{body.Length:x}\r\n{body}\r\n0\r\n\r\n"),
        };
        foreach (var (name, request) in attempts)
        {
            var answer = await RawHttp.SendAsync(system.Ingestion.BaseAddress, request);
            var status = RawHttp.Status(answer);
            // Each is refused as malformed, and the connection is closed so nothing after it is read as a request. With both
            // lengths Kestrel reads the body as chunked (RFC 9112 lets it) and closes after: the webhook is then judged, unsigned.
            Assert.True(name.StartsWith("Content-Length and", StringComparison.Ordinal) ? status is >= 400 and < 500 : status == 400, $"{name}: got {status}\n{answer}");
            Assert.Contains("Connection: close", answer.Split("\r\n\r\n")[0]);
            Assert.DoesNotContain("attacker", answer.Split("\r\n\r\n")[0]);
            Record("injection", name, request.Split("\r\n")[0].Replace("\r", "\\r").Replace("\n", "\\n"), status);
        }

        // A link cannot be made to redirect with a header of its own: the target is refused before it is stored.
        var link = await victim.Ingestion.PostAsJsonAsync($"/api/ngos/{victim.NgoId}/links",
            new { postId = "wall-9901_3", targetUrl = "https://pay.example.org/\r\nSet-Cookie: dvid=attacker" });
        await AssertClearRefusalAsync(link, "a link target with CR LF", [HttpStatusCode.BadRequest]);
        Record("injection", "a link target with CR LF and a header", $"POST ingestion/api/ngos/{{ngo}}/links", link);

        Assert.Equal(["0"], await system.QuerySqlAsync("ingestion", "select count(*) from mt_events where data->>'linkCode' = $1", code));
        await AssertNothingStoredAsync(before);
        await WriteAsync("injection");
    }

    [Fact]
    public async Task A_body_of_the_wrong_type_gets_415_naming_the_type_on_every_route_that_takes_one_and_stores_nothing()
    {
        var victim = await VictimAsync();
        await victim.ConfigureAsync("cloudpayments", new { apiSecret = "cloudpayments-secret-0123456789" });
        await victim.ConfigureAsync("yookassa", new { allowedNetworks = new[] { "127.0.0.0/8" } });
        await victim.ConfigureAsync("vk", new { groupId = 4242, secret = "vk-secret-0123", confirmation = "ok-4242" });
        var before = await SettledRowsAsync();
        var wrong = new[] { "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/jsonx", "image/png" };

        var checkedRoutes = 0;
        foreach (var (service, method, path, _, takesBody) in await RoutesAsync(victim, "nosuchcode"))
        {
            if (!takesBody) continue;
            var key = path == "/api/ngos" ? DonationsSystem.AdminKey : victim.ManagerKey;
            checkedRoutes++;
            foreach (var type in wrong)
            {
                // CloudPayments posts forms as well as JSON: a form is its right type.
                if (type == "application/x-www-form-urlencoded" && path.StartsWith("/webhooks/cloudpayments/", StringComparison.Ordinal)) continue;
                using var client = system.Client(service, key);
                var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"type\":\"donation.succeeded\",\"id\":\"tx-wrong-type\"}"));
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
                var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = content });
                await AssertClearRefusalAsync(response, $"{type}: {method} {service.Name}{path}", [HttpStatusCode.UnsupportedMediaType]);
                var detail = (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]?.GetValue<string>() ?? "";
                Assert.Contains("Content-Type", detail);
                Assert.Contains("application/json", detail);
                Record("type", type, $"{method} {service.Name}{path}", response);
            }
        }
        Assert.True(checkedRoutes >= 12, $"only {checkedRoutes} routes with a body were found");

        await AssertNothingStoredAsync(before);
        await WriteAsync("types");
    }

    /// <summary>An NGO with something to steal: a post, a link and a donation that has reached every service.</summary>
    private async Task<Scenario> VictimAsync()
    {
        var victim = await Scenario.NewNgoAsync(system);
        await victim.CreateLinkAsync(await victim.RegisterPostAsync("wall-9901_1", "secret-campaign", "secret-fundraiser"));
        await victim.PostGenericAsync(Scenario.DonationBody("tx-sweep-secret", 777_77));
        await victim.DonationAsync("tx-sweep-secret");
        return victim;
    }

    /// <summary>Every operation in the services' OpenAPI documents: whether it is the management API, and whether it takes a body (webhooks read theirs raw).</summary>
    private async Task<List<(Donations.Testing.ServiceProcess Service, HttpMethod Method, string Path, bool IsApi, bool TakesBody)>> RoutesAsync(Scenario victim, string code)
    {
        var donationId = (await victim.DonationAsync("tx-sweep-secret")).Str("id");
        var values = new Dictionary<string, string> { ["ngo"] = victim.NgoId, ["id"] = donationId, ["provider"] = "generic", ["code"] = code, ["kind"] = "pay" };
        var routes = new List<(Donations.Testing.ServiceProcess, HttpMethod, string, bool, bool)>();
        foreach (var service in new[] { system.Ingestion, system.Attribution, system.Reporting })
        {
            using var anonymous = system.Client(service);
            var document = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
            foreach (var (template, operations) in document["paths"]!.AsObject())
            {
                var path = values.Aggregate(template, (p, v) => p.Replace($"{{{v.Key}}}", v.Value));
                if (template.Contains("/fundraisers/{id}", StringComparison.Ordinal)) path = path.Replace(donationId, "secret-fundraiser");
                var isApi = !template.StartsWith("/webhooks/", StringComparison.Ordinal) && !template.StartsWith("/r/", StringComparison.Ordinal);
                routes.AddRange(operations!.AsObject().Select(o =>
                    (service, new HttpMethod(o.Key.ToUpperInvariant()), path, isApi, !isApi && o.Key == "post" || o.Value?["requestBody"] is not null)));
            }
        }
        Assert.True(routes.Count >= 25, $"only {routes.Count} routes were found in the OpenAPI documents");
        return routes;
    }

    private static async Task AssertClearRefusalAsync(HttpResponseMessage response, string what, HttpStatusCode[]? expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (expected is not null) Assert.True(expected.Contains(response.StatusCode), $"{what}: {(int)response.StatusCode} {body}");
        else Assert.True((int)response.StatusCode is >= 400 and < 500, $"{what}: {(int)response.StatusCode} {body}");
        // Kestrel refuses a malformed request with a bare status; everything the services answer is a problem.
        if (body.Length > 0) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        foreach (var secret in new[] { "tx-sweep-secret", "grossMinor", "providerTxId", "secret-campaign", "secret-fundraiser" }) Assert.DoesNotContain(secret, body);
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Flip(string code) => new(code.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray());

    /// <summary>Rows in every service's schema, once they have stopped changing (the set-up's events travel on for a moment).</summary>
    private async Task<long[]> SettledRowsAsync()
    {
        var last = await RowsAsync();
        for (var stable = 0; stable < 3;)
        {
            await Task.Delay(700);
            var now = await RowsAsync();
            stable = now.SequenceEqual(last) ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    private async Task<long[]> RowsAsync() => await Task.WhenAll(Services.Select(system.StoredRowsAsync));

    private async Task AssertNothingStoredAsync(long[] before) => Assert.Equal(before, await SettledRowsAsync());

    private void Record(string kind, string attempt, string target, HttpResponseMessage response) => Record(kind, attempt, target, (int)response.StatusCode);

    private void Record(string kind, string attempt, string target, int status)
    {
        lock (_tried) _tried.Add($"| {kind} | {attempt} | `{target}` | {status} |");
    }

    private async Task WriteAsync(string part)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "logs", $"security-sweep-{part}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllLinesAsync(path, ["| kind | attempt | request | status |", "|---|---|---|---|", .. _tried]);
    }
}
