using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Donations.EndToEndTests.Browser;

/// <summary>
/// The people's web app in headless Chromium — Debian's (/usr/bin/chromium), never a downloaded browser. Each page a
/// test shows is kept as screenshots, desktop and 390-px phone width, under the test output's artifacts/screenshots/
/// &lt;test&gt;/. A dialog (alert, confirm) or a script error on a page fails the test at dispose.
/// </summary>
public sealed class AppBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    public static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");
    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _folder;
    private int _shots;

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public Uri App { get; }
    /// <summary>What the page tried to say in a dialog, and script errors: both must stay empty.</summary>
    public List<string> Dialogs { get; } = [];
    public List<string> ScriptErrors { get; } = [];

    private AppBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, Uri app, string folder)
    {
        (_playwright, _browser, Context, Page, App, _folder) = (playwright, browser, context, page, app, folder);
        page.Dialog += async (_, dialog) => { Dialogs.Add($"{dialog.Type}: {dialog.Message}"); await dialog.DismissAsync(); };
        page.PageError += (_, error) => ScriptErrors.Add(error);
    }

    public static async Task<AppBrowser> OpenAsync(Uri app, [CallerMemberName] string test = "")
    {
        // Two shared cores: a page may take more than Playwright's default 5 s to show what a request brought.
        Assertions.SetDefaultExpectTimeout(30_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true, ViewportSize = Desktop, Locale = "ru-RU", TimezoneId = "Europe/Moscow" });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = app.GetLeftPart(UriPartial.Authority) });
        var page = await context.NewPageAsync();
        var folder = Path.Combine(Screenshots, test);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        await page.GotoAsync(app.ToString());
        var browserForApp = new AppBrowser(playwright, browser, context, page, app, folder);
        await browserForApp.WaitReadyAsync();
        return browserForApp;
    }

    /// <summary>Waits until the app drew the current screen (the shell sets body[data-ready]).</summary>
    public Task WaitReadyAsync() => Page.WaitForSelectorAsync("body[data-ready]", new PageWaitForSelectorOptions { Timeout = 30_000 });

    /// <summary>Signs in on the sign-in screen as a person would, and waits for the first page (or, when refused, the reason).</summary>
    public async Task SignInAsync(string ngo, string key, bool refused = false)
    {
        await Page.GetByTestId("ngo-id").FillAsync(ngo);
        await Page.GetByTestId("key").FillAsync(key);
        await Page.GetByTestId("sign-in").ClickAsync();
        await Page.WaitForSelectorAsync(refused ? "[data-testid=sign-in-error] .error" : "body[data-ready=true]", new PageWaitForSelectorOptions { Timeout = 30_000 });
    }

    /// <summary>Opens a page from the navigation and waits until it is drawn.</summary>
    public async Task OpenAsync(string route)
    {
        await Page.GetByTestId($"nav-{route.TrimStart('/').Replace('/', '-')}").First.ClickAsync();
        await Page.WaitForSelectorAsync($"main[data-route='{route}']");
        await Page.WaitForSelectorAsync("body[data-ready=true]", new PageWaitForSelectorOptions { Timeout = 30_000 });
    }

    /// <summary>Screenshots of what is shown now, desktop and phone width: NN-name-desktop.png, NN-name-phone.png.</summary>
    public async Task ShotAsync(string name)
    {
        var n = ++_shots;
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_folder, $"{n:00}-{name}-desktop.png"), FullPage = true });
        await Page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        // Charts redraw to the new width on the next frames.
        await Page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_folder, $"{n:00}-{name}-phone.png"), FullPage = true });
        await Page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
        Assert.Empty(Dialogs);
        Assert.Empty(ScriptErrors);
    }
}
