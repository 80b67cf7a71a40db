using Donations.ServiceDefaults.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Donations.ServiceDefaults.Http;

/// <summary>
/// While storage is unreachable a request gets 503 with <c>Retry-After</c> (a provider redelivers, a person retries),
/// never a 500 that reads like a bug. Requests that a provider or a donor waits for (webhooks, redirects) also have a
/// deadline below a provider's 5-second timeout: past it they are answered 503 whatever the handler is still waiting
/// for (a partitioned database can hold a query, and even its cancellation, for a minute), and nothing that was not
/// stored by then is acknowledged.
/// </summary>
public static class Unavailable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);
    public const int RetryAfterSeconds = 5;

    public static void AddUnavailableAnswers(this IServiceCollection services) => services.AddExceptionHandler<StorageUnavailableHandler>();

    /// <summary>Answers within <see cref="Deadline"/>, or 503; a handler still running then finishes unheard.</summary>
    public static TBuilder WithProviderDeadline<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            // The handler's cancellation token becomes the deadline's, so that work still in flight at the deadline
            // stops before it writes anything (Marten would otherwise retry a read once the database is back).
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.HttpContext.RequestAborted);
            deadline.CancelAfter(Deadline);
            for (var i = 0; i < context.Arguments.Count; i++)
                if (context.Arguments[i] is CancellationToken) context.Arguments[i] = deadline.Token;

            var work = next(context).AsTask();
            var first = await Task.WhenAny(work, Task.Delay(Timeout.Infinite, deadline.Token));
            if (first == work && !work.IsCanceled) return await work;
            _ = work.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // observed, already answered
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Unavailable))
                .LogWarning("{Method} {Path} passed its {Deadline} s deadline and was answered 503", context.HttpContext.Request.Method,
                    context.HttpContext.Request.Path, Deadline.TotalSeconds);
            return Problem($"The request was not completed within {Deadline.TotalSeconds:0} s; nothing was accepted. Retry later.", context.HttpContext);
        });

    private static IResult Problem(string detail, HttpContext context) => RetryLater(context.Request, "Temporarily unavailable", detail);

    /// <summary>503 with <c>Retry-After</c>: what a sender should get whenever delivering again later can succeed.</summary>
    public static IResult RetryLater(HttpRequest request, string title, string detail)
    {
        request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, title, detail);
    }

    private sealed class StorageUnavailableHandler(ILogger<StorageUnavailableHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            if (!Transience.IsTransient(exception) || context.Response.HasStarted) return false;
            logger.LogWarning("Storage is unavailable: {Method} {Path} answered 503 ({Error})", context.Request.Method, context.Request.Path, exception.Message);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await Problem("Storage is unavailable; nothing was accepted. Retry later.", context).ExecuteAsync(context);
            return true;
        }
    }
}
