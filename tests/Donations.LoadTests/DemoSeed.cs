using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Donations.LoadTests;

/// <summary>
/// A year of a mid-size NGO, through the real path of a running system (infra/run.sh): the catalog by its API, clicks by the
/// tracked links' redirects (dated in the past by the demo-only header the services honour with <c>Demo__BackdatedClicks=true</c>),
/// and money by signed webhooks of all four providers — payments, recurring charges, failures, cancellations, refunds (some before
/// their payment), VK Donut subscriptions and withdrawals — sent concurrently, each retried until acknowledged as providers do.
/// The plan is drawn from a fixed seed, so every run seeds the same year, ending now.
/// </summary>
public sealed class DemoSeed(Uri ingestion, Uri reporting, string adminKey)
{
    private const long VkGroupId = 218375;
    private const string Browser = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
    private const string Bot = "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 64 })
    {
        BaseAddress = ingestion, Timeout = TimeSpan.FromSeconds(20),
    };
    private readonly Random _random = new(2026);
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly string _secret = $"demo-secret-{RandomNumberGenerator.GetHexString(16, lowercase: true)}";
    private readonly ConcurrentDictionary<string, byte> _accepted = new();
    private string _ngo = "", _manager = "", _viewer = "";
    private long _sent, _failed;

    private sealed record Post(string Id, string Campaign, string? Fundraiser, DateTimeOffset PublishedAt, string Code);

    /// <summary>A webhook of the plan, with the click (if any) that must be made, as of its time, before it is sent.</summary>
    private sealed record Job(DateTimeOffset At, Post? ClickOn, bool BotClick, Func<string?, Func<HttpRequestMessage>> Webhook, string Key, bool Money, Job? Then = null);

    public async Task<int> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        var posts = await BuildCatalogAsync();
        var jobs = Plan(posts);
        var moneyJobs = jobs.Sum(j => (j.Money ? 1 : 0) + (j.Then is { Money: true } ? 1 : 0));
        Console.WriteLine($"Seeding demo NGO '{_ngo}': {posts.Count} posts in 4 campaigns, 5 fundraisers, {moneyJobs:N0} payments and charges over 12 months…");

        using var progress = new CancellationTokenSource();
        var printer = Task.Run(async () =>
        {
            while (!progress.IsCancellationRequested)
            {
                Console.Write($"\r  webhooks acknowledged {_accepted.Count:N0} of {jobs.Count + jobs.Count(j => j.Then is not null):N0}, {clock.Elapsed.TotalSeconds:N0} s   ");
                try { await Task.Delay(1000, progress.Token); } catch (OperationCanceledException) { }
            }
        });
        var queue = new ConcurrentQueue<Job>(jobs);
        await Task.WhenAll(Enumerable.Range(0, 48).Select(async _ =>
        {
            while (queue.TryDequeue(out var job)) await RunJobAsync(job);
        }));
        await DonutAsync();
        progress.Cancel();
        await printer;
        Console.WriteLine($"\r  webhooks acknowledged {_accepted.Count:N0}, rejected {_failed:N0}, deliveries {_sent:N0}, in {clock.Elapsed.TotalSeconds:N0} s");

        var reported = await WaitForReportsAsync(moneyJobs, clock);
        Console.WriteLine($"Demo NGO '{_ngo}' seeded in {clock.Elapsed.TotalSeconds:N0} s: {reported:N0} donations in the reports.");
        Console.WriteLine($"  manager key: {_manager}");
        Console.WriteLine($"  viewer key:  {_viewer}");
        Console.WriteLine($"  summary:     curl -s {reporting}api/ngos/{_ngo}/reports/summary -H 'Authorization: Bearer {_viewer}'");
        return _failed == 0 ? 0 : 1;
    }

    private async Task<List<Post>> BuildCatalogAsync()
    {
        _ngo = $"demo-{_now.ToUnixTimeSeconds()}";
        var created = await Call(adminKey, HttpMethod.Post, "/api/ngos", new { id = _ngo, name = "Фонд «Тёплый дом»", vkGroupId = VkGroupId, verified = false });
        (_manager, _viewer) = (created!["managerKey"]!.GetValue<string>(), created["viewerKey"]!.GetValue<string>());
        await Call(_manager, HttpMethod.Put, $"/api/ngos/{_ngo}/providers/generic", new { secret = _secret });
        await Call(_manager, HttpMethod.Put, $"/api/ngos/{_ngo}/providers/cloudpayments", new { apiSecret = _secret });
        await Call(_manager, HttpMethod.Put, $"/api/ngos/{_ngo}/providers/yookassa", new { allowedNetworks = new[] { "127.0.0.1/32", "::1/128" } });
        await Call(_manager, HttpMethod.Put, $"/api/ngos/{_ngo}/providers/vk", new { groupId = VkGroupId, secret = _secret, confirmation = "demo-confirmation" });

        var start = _now.AddMonths(-12);
        var campaigns = new[] { ("winter", "Зима: тёплые вещи"), ("spring", "Весна: лекарства"), ("summer", "Лето: ремонт приюта"), ("autumn", "Осень: школа и Новый год") };
        for (var i = 0; i < campaigns.Length; i++)
            await Call(_manager, HttpMethod.Post, $"/api/ngos/{_ngo}/campaigns",
                new { id = campaigns[i].Item1, name = campaigns[i].Item2, startsAt = start.AddMonths(3 * i), endsAt = i == 3 ? (DateTimeOffset?)null : start.AddMonths(3 * i + 3) });
        var fundraisers = new (string Id, string Campaign, string Title, long Goal, string Currency, DateTimeOffset Deadline)[]
        {
            ("warm-coats", "winter", "Тёплые куртки для 100 детей", 1_000_000_00, "RUB", start.AddMonths(2)),
            ("medicine", "spring", "Лекарства на полгода", 2_500_000_00, "RUB", start.AddMonths(5)),
            ("roof", "summer", "Новая крыша приюта", 2_500_000_00, "RUB", start.AddMonths(8)),
            ("new-year", "autumn", "Подарки к Новому году", 4_000_000_00, "RUB", _now.AddDays(25)),
            ("school-eu", "autumn", "Школьные наборы (сбор в евро)", 2_000_00, "EUR", _now.AddDays(45)),
        };
        foreach (var f in fundraisers)
            await Call(_manager, HttpMethod.Post, $"/api/ngos/{_ngo}/fundraisers",
                new { id = f.Id, campaignId = f.Campaign, title = f.Title, goal = new { amountMinor = f.Goal, currency = f.Currency }, deadline = f.Deadline });

        var posts = new List<Post>();
        for (var i = 0; i < 60; i++)
        {
            var quarter = i / 15;
            var campaign = campaigns[quarter].Item1;
            var published = start.AddMonths(3 * quarter).AddDays(6 * (i % 15) + 1).AddHours(10);
            var fundraiser = fundraisers.Where(f => f.Campaign == campaign && f.Deadline > published).Select(f => f.Id).ToList() is { Count: > 0 } open && i % 3 != 0
                ? open[i % open.Count] : null;
            var id = $"wall-{VkGroupId}_{3000 + i}";
            await VkPostAsync(3000 + i, published, $"{campaigns[quarter].Item2} — новости №{i % 15 + 1}. Ссылка на помощь ниже.");
            await Call(_manager, HttpMethod.Put, $"/api/ngos/{_ngo}/posts/{id}", new { campaignId = campaign, fundraiserId = fundraiser });
            var link = await Call(_manager, HttpMethod.Post, $"/api/ngos/{_ngo}/links", new { postId = id, targetUrl = "https://pay.example.org/give?lang=ru" });
            posts.Add(new Post(id, campaign, fundraiser, published, link!["code"]!.GetValue<string>()));
        }
        for (var month = 0; month < 12; month++)
        {
            var campaign = campaigns[Math.Min(month / 3, 3)].Item1;
            var post = posts.Where(p => p.Campaign == campaign).ElementAt(month % 3 * 4);
            await Call(_manager, HttpMethod.Post, $"/api/ngos/{_ngo}/spend", new { campaignId = campaign, amountMinor = 5_000_00L, currency = "RUB", source = "own", at = start.AddMonths(month).AddDays(3) });
            if (month % 2 == 0)
                await Call(_manager, HttpMethod.Post, $"/api/ngos/{_ngo}/spend", new { campaignId = campaign, postId = post.Id, amountMinor = 12_000_00L, currency = "RUB", source = "vk_grant", at = start.AddMonths(month).AddDays(10) });
        }
        // The community got VK's verification mark half way through the year.
        await Call(_manager, HttpMethod.Put, $"/api/ngos/{_ngo}/verification", new { verified = true, at = _now.AddMonths(-6) });
        return posts;
    }

    private List<Job> Plan(List<Post> posts)
    {
        var jobs = new List<Job>();
        var start = _now.AddMonths(-12);
        var verifiedFrom = _now.AddMonths(-6);
        var n = 0;
        Post? PostAt(DateTimeOffset at)
        {
            var live = posts.Where(p => p.PublishedAt <= at && p.PublishedAt > at.AddDays(-45)).ToList();
            return live.Count == 0 ? null : live[_random.Next(live.Count)];
        }
        (string Currency, long Amount) Money(DateTimeOffset at)
        {
            var roll = _random.NextDouble();
            var boost = at >= verifiedFrom ? 1.6 : 1.0;
            return roll < 0.92 ? ("RUB", (long)(Math.Round(Math.Exp(_random.NextDouble() * 3.4 + 5.3) * boost) * 100))
                : roll < 0.97 ? ("USD", _random.Next(5, 120) * 100L) : ("EUR", _random.Next(5, 100) * 100L);
        }

        // One-off gifts: spread over the year, more of them after verification and towards the end of the year.
        for (var i = 0; i < 18_500; i++)
        {
            var at = start.AddSeconds(Math.Pow(_random.NextDouble(), 0.8) * (_now - start).TotalSeconds);
            if (at > _now.AddMinutes(-1)) at = _now.AddMinutes(-1);
            var post = _random.NextDouble() < 0.7 ? PostAt(at) : null;
            var (currency, amount) = Money(at);
            var bot = post is not null && _random.NextDouble() < 0.03;
            var fundraiser = post is null && _random.NextDouble() < 0.08 ? FundraiserOpenAt(at, currency) : null;
            var tx = $"demo-{++n}";
            var donor = $"donor-{_random.Next(0, 9000)}";
            var provider = _random.NextDouble();
            var refund = _random.NextDouble() < 0.025;
            if (provider < 0.5 || currency != "RUB")
            {
                var pay = Generic(new { type = "donation.succeeded", id = tx, amountMinor = amount, currency, occurredAt = at, fundraiserId = fundraiser, donor = new { id = donor } });
                if (!refund) { jobs.Add(new Job(at, post, bot, pay, tx, true)); continue; }
                var back = Generic(new { type = "donation.refunded", id = $"{tx}-refund", refundOf = tx, amountMinor = amount / 2, currency, occurredAt = at.AddDays(3) > _now ? _now : at.AddDays(3) });
                // A third of the refunds reach us before their payment.
                jobs.Add(i % 3 == 0
                    ? new Job(at, null, false, back, $"{tx}-refund", false, new Job(at, post, bot, pay, tx, true))
                    : new Job(at, post, bot, pay, tx, true, new Job(at, null, false, back, $"{tx}-refund", false)));
            }
            else if (provider < 0.75)
            {
                var transaction = 500_000_000 + n;
                var pay = Cloud("", new Dictionary<string, object?>
                {
                    ["TransactionId"] = transaction, ["Amount"] = amount / 100m, ["Currency"] = currency, ["Status"] = "Completed", ["DateTime"] = Utc(at),
                    ["AccountId"] = donor, ["TotalFee"] = Math.Round(amount * 0.028m) / 100m, ["Data"] = "{}",
                }, fundraiser);
                jobs.Add(new Job(at, post, bot, pay, $"cp-{transaction}", true, refund
                    ? new Job(at, null, false, _ => CloudForm($"TransactionId={transaction + 1_000_000_000}&PaymentTransactionId={transaction}&Amount={(amount / 2 / 100m).ToString(CultureInfo.InvariantCulture)}&OperationType=Refund&DateTime={Uri.EscapeDataString(Utc(at.AddDays(2) > _now ? _now : at.AddDays(2)))}"), $"cp-refund-{transaction}", false)
                    : null));
            }
            else if (provider < 0.95)
            {
                jobs.Add(new Job(at, post, bot, click => YooKassa(new
                {
                    type = "notification", @event = "payment.succeeded",
                    @object = new
                    {
                        id = tx, status = "succeeded", paid = true, created_at = at, captured_at = at,
                        amount = new { value = (amount / 100m).ToString("0.00", CultureInfo.InvariantCulture), currency },
                        metadata = new Dictionary<string, string?> { ["click_id"] = click, ["fundraiser_id"] = fundraiser },
                    },
                }), tx, true));
            }
            else
            {
                jobs.Add(new Job(at, post, bot, click => Vk(new
                {
                    type = "vkpay_transaction", event_id = tx, v = "5.199", group_id = VkGroupId, secret = _secret,
                    @object = new { from_id = 1_000_000 + _random.Next(0, 5000), amount = amount * 10, description = click is null ? "Помощь фонду" : $"Помощь click_id={click}", date = at.ToUnixTimeSeconds() },
                }), tx, true));
            }
        }

        // Monthly donors: generic subscriptions and CloudPayments ones; some stop paying (lapsed), some cancel, some fail.
        for (var s = 0; s < 360; s++)
        {
            var cloud = s % 4 == 0;
            var first = start.AddDays(_random.Next(0, 330)).AddHours(_random.Next(8, 22));
            var months = (int)((_now - first).TotalDays / 30.44) + 1;
            var stopsAfter = _random.NextDouble() < 0.35 ? _random.Next(1, Math.Max(2, months)) : months;
            var (currency, _) = Money(first);
            var amount = currency == "RUB" ? _random.Next(3, 30) * 100_00L : _random.Next(5, 30) * 100L;
            var post = _random.NextDouble() < 0.75 ? PostAt(first) : null;
            var subscription = cloud ? $"sc_{_ngo}_{s}" : $"monthly-{s}";
            for (var m = 0; m < stopsAfter; m++)
            {
                var at = first.AddMonths(m);
                if (at > _now.AddMinutes(-1)) break;
                var tx = $"{subscription}-{m}";
                if (cloud)
                {
                    var transaction = 800_000_000 + s * 20 + m;
                    jobs.Add(new Job(at, m == 0 ? post : null, false, Cloud("", new Dictionary<string, object?>
                    {
                        ["TransactionId"] = transaction, ["Amount"] = amount / 100m, ["Currency"] = currency, ["Status"] = "Completed", ["DateTime"] = Utc(at),
                        ["SubscriptionId"] = subscription, ["AccountId"] = $"monthly-donor-{s}", ["Data"] = "{}",
                    }, null), $"cp-{transaction}", true));
                }
                else
                {
                    jobs.Add(new Job(at, m == 0 ? post : null, false, Generic(new
                    {
                        type = "donation.succeeded", id = tx, amountMinor = amount, currency, occurredAt = at, subscriptionId = subscription, donor = new { id = $"monthly-donor-{s}" },
                    }), tx, true));
                }
            }
            if (!cloud) continue;
            // The donor cancelled after the last charge, or the next charge was declined.
            if (stopsAfter < months && s % 8 == 0)
                jobs.Add(new Job(_now, null, false, Cloud("/recurrent", new Dictionary<string, object?> { ["Id"] = subscription, ["Status"] = "Cancelled", ["Amount"] = amount / 100m, ["Currency"] = currency, ["Interval"] = "Month", ["Period"] = 1 }, null), $"cp-cancel-{s}", false));
            else if (stopsAfter == months && s % 12 == 4)
                jobs.Add(new Job(_now, null, false, Cloud("/fail", new Dictionary<string, object?>
                {
                    ["TransactionId"] = 900_000_000 + s, ["Amount"] = amount / 100m, ["Currency"] = currency, ["Status"] = "Declined", ["Reason"] = "InsufficientFunds", ["ReasonCode"] = 5051,
                    ["DateTime"] = Utc(_now.AddHours(-2)), ["SubscriptionId"] = subscription,
                }, null), $"cp-fail-{s}", false));
        }
        // In time order, so that late clicks and early refunds are the exception, as they are in life.
        return jobs.OrderBy(j => j.At).ToList();

        string? FundraiserOpenAt(DateTimeOffset at, string currency) => posts.Where(p => p.Fundraiser is not null && p.PublishedAt <= at).Select(p => p.Fundraiser)
            .LastOrDefault(f => currency == "RUB" ? f != "school-eu" : f == "school-eu" && currency == "EUR");
    }

    /// <summary>VK Donut: subscriptions made and prolonged (VK dates them when they arrive), two cancelled, and the withdrawals to the bank.</summary>
    private async Task DonutAsync()
    {
        for (var i = 0; i < 40; i++)
        {
            await DeliverAsync(Vk(new { type = "donut_subscription_create", event_id = $"donut-create-{_ngo}-{i}", v = "5.199", group_id = VkGroupId, secret = _secret,
                @object = new { user_id = 2_000_000 + i, amount = 300, amount_without_fee = 279 } }), $"donut-create-{i}");
            if (i % 20 == 0)
                await DeliverAsync(Vk(new { type = "donut_subscription_cancelled", event_id = $"donut-cancel-{_ngo}-{i}", v = "5.199", group_id = VkGroupId, secret = _secret,
                    @object = new { user_id = 2_000_000 + i } }), $"donut-cancel-{i}");
        }
        await DeliverAsync(Vk(new { type = "donut_money_withdraw", event_id = $"donut-withdraw-{_ngo}-1", v = "5.199", group_id = VkGroupId, secret = _secret,
            @object = new { amount = 6000, amount_without_fee = 5580 } }), "donut-withdraw-1");
        await DeliverAsync(Vk(new { type = "donut_money_withdraw_error", event_id = $"donut-withdraw-{_ngo}-2", v = "5.199", group_id = VkGroupId, secret = _secret,
            @object = new { reason = "Банк отклонил перевод" } }), "donut-withdraw-2");
    }

    private async Task RunJobAsync(Job job)
    {
        string? click = null;
        var paid = job.ClickOn is not null ? job : job.Then;
        if (paid?.ClickOn is { } post)
        {
            var clickedAt = paid.At.AddMinutes(-_random.Next(2, 60 * 48));
            if (clickedAt < post.PublishedAt) clickedAt = post.PublishedAt.AddMinutes(1);
            click = await ClickAsync(post.Code, paid.BotClick, clickedAt < paid.At ? clickedAt : paid.At.AddMinutes(-1));
        }
        await DeliverAsync(job.Webhook(job == paid ? click : null), job.Key);
        if (job.Then is { } then) await DeliverAsync(then.Webhook(then == paid ? click : null), then.Key);
    }

    private async Task<string?> ClickAsync(string code, bool bot, DateTimeOffset at)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/r/{code}");
                request.Headers.UserAgent.ParseAdd(bot ? Bot : Browser);
                request.Headers.Add("Donations-Demo-Clicked-At", at.ToString("O"));
                using var response = await _http.SendAsync(request);
                if ((int)response.StatusCode == 302) return response.Headers.Location?.Query.Split("click_id=").ElementAtOrDefault(1)?.Split('&')[0];
            }
            catch (Exception) { }
            await Task.Delay(200);
        }
        return null; // a donor whose click failed pays anyway, unattributed
    }

    private async Task DeliverAsync(Func<HttpRequestMessage> webhook, string key)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            Interlocked.Increment(ref _sent);
            try
            {
                using var request = webhook();
                using var response = await _http.SendAsync(request);
                if (response.IsSuccessStatusCode) { _accepted[key] = 0; return; }
                if ((int)response.StatusCode is >= 400 and < 500 and not 429 and not 409)
                {
                    Interlocked.Increment(ref _failed);
                    Console.Error.WriteLine($"\n  rejected {(int)response.StatusCode} {request.RequestUri}: {await response.Content.ReadAsStringAsync()}");
                    return;
                }
            }
            catch (Exception) { } // refused, reset or timed out: the provider tries again
            await Task.Delay(250 * Math.Min(attempt + 1, 8));
        }
        Interlocked.Increment(ref _failed);
    }

    private async Task<long> WaitForReportsAsync(int expected, Stopwatch clock)
    {
        using var viewer = new HttpClient { BaseAddress = reporting, Timeout = TimeSpan.FromSeconds(30) };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _viewer);
        long reported = 0, last = -1;
        var quiet = Stopwatch.StartNew();
        while (quiet.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                var summary = await viewer.GetFromJsonAsync<JsonObject>($"/api/ngos/{_ngo}/reports/summary");
                reported = summary!["currencies"]!.AsArray().Sum(c => c!["donations"]!.GetValue<long>());
            }
            catch (Exception) { }
            Console.Write($"\r  reports show {reported:N0} of {expected + 40:N0} donations, {clock.Elapsed.TotalSeconds:N0} s   ");
            if (reported >= expected + 40) break;
            if (reported != last) { last = reported; quiet.Restart(); }
            await Task.Delay(1000);
        }
        Console.WriteLine();
        return reported;
    }

    private async Task<JsonObject?> Call(string key, HttpMethod method, string path, object body)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Web) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await _http.SendAsync(request);
            if (response.IsSuccessStatusCode)
                return response.Content.Headers.ContentLength == 0 ? null : await response.Content.ReadFromJsonAsync<JsonObject>();
            if (attempt >= 20 || (int)response.StatusCode is >= 400 and < 500 and not 401 and not 403 and not 429)
                throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(500); // the NGO's keys are still on their way to the other services
        }
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private Func<string?, Func<HttpRequestMessage>> Generic(object notification) => click =>
    {
        var node = JsonSerializer.SerializeToNode(notification, Web)!.AsObject();
        if (click is not null) node["clickId"] = click;
        var body = node.ToJsonString();
        return () => Signing.Generic(_ngo, _secret, body);
    };

    private Func<string?, Func<HttpRequestMessage>> Cloud(string path, Dictionary<string, object?> fields, string? fundraiser) => click =>
    {
        var data = new Dictionary<string, string?>();
        if (click is not null) data["click_id"] = click;
        if (fundraiser is not null) data["fundraiser_id"] = fundraiser;
        if (fields.ContainsKey("Data")) fields["Data"] = JsonSerializer.Serialize(data);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(fields);
        return () => Signed($"/webhooks/cloudpayments/{_ngo}{path}", bytes, "application/json");
    };

    private Func<HttpRequestMessage> CloudForm(string form) => () => Signed($"/webhooks/cloudpayments/{_ngo}", Encoding.UTF8.GetBytes(form), "application/x-www-form-urlencoded");

    private HttpRequestMessage Signed(string path, byte[] bytes, string contentType) => Signing.CloudPayments(path, _secret, bytes, contentType);

    private Func<HttpRequestMessage> YooKassa(object notification)
    {
        var body = JsonSerializer.Serialize(notification);
        return () => new HttpRequestMessage(HttpMethod.Post, $"/webhooks/yookassa/{_ngo}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }

    /// <summary>A community post as VK announces it over the Callback API (wall_post_new, with its counts), as a connected NGO's posts arrive.</summary>
    private async Task VkPostAsync(long postId, DateTimeOffset published, string text)
    {
        var views = 2_000 + _random.Next(0, 20_000);
        var likes = views / 40 + _random.Next(0, 200);
        using var request = Vk(new
        {
            type = "wall_post_new", event_id = $"demo-post-{_ngo}-{postId}", v = "5.199", group_id = VkGroupId, secret = _secret,
            @object = new { id = postId, owner_id = -VkGroupId, from_id = -VkGroupId, date = published.ToUnixTimeSeconds(), post_type = "post", text,
                views = new { count = views }, likes = new { count = likes }, reposts = new { count = likes / 8 } },
        })();
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private Func<HttpRequestMessage> Vk(object notification)
    {
        var body = JsonSerializer.Serialize(notification);
        return () => new HttpRequestMessage(HttpMethod.Post, $"/webhooks/vk/{_ngo}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
