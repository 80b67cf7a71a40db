using System.Net.Http.Json;

namespace Donations.Ingestion.Ngos;

/// <summary>What a peer service knows of one key hash (<c>GET /internal/keys/{hash}</c>).</summary>
public sealed record KeyState(bool Known, bool Revoked);

/// <summary>
/// Waits, after a key change, until every peer service (configuration <c>Donations:Peers</c>, their base URLs) has
/// applied it: so that when a rotation or revocation is answered, the old key is refused everywhere and the new one
/// works everywhere. Without peers configured it does not wait.
/// </summary>
public sealed class KeyPropagation(HttpClient http, IConfiguration configuration, ILogger<KeyPropagation> log)
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private readonly Uri[] _peers = (configuration["Donations:Peers"] ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => new Uri(p)).ToArray();

    /// <summary>True once every peer knows the granted hashes and has revoked the others; false when the limit passed first.</summary>
    public async Task<bool> WaitAsync(IReadOnlyList<string> granted, IReadOnlyList<string> revoked, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Limit;
        var pending = _peers.SelectMany(peer => granted.Select(h => (peer, h, known: true)).Concat(revoked.Select(h => (peer, h, known: false)))).ToList();
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            var states = await Task.WhenAll(pending.Select(async p => (p, applied: await AppliedAsync(p.peer, p.h, p.known, ct))));
            pending = states.Where(s => !s.applied).Select(s => s.p).ToList();
            if (pending.Count > 0) await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
        if (pending.Count > 0) log.LogWarning("A key change had not reached {Peers} after {Limit} s", pending.Select(p => p.peer).Distinct(), Limit.TotalSeconds);
        return pending.Count == 0;
    }

    private async Task<bool> AppliedAsync(Uri peer, string hash, bool known, CancellationToken ct)
    {
        try
        {
            var state = await http.GetFromJsonAsync<KeyState>(new Uri(peer, $"/internal/keys/{hash}"), ct);
            return state is not null && (known ? state.Known : state.Revoked && !state.Known);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
