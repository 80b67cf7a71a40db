using Donations.ServiceDefaults.Http;

namespace Donations.Ingestion.Vk;

/// <summary>What a VK refusal means for the person, naming the field to fix; VK being unavailable is a 503 to retry.</summary>
public static class VkProblems
{
    public static IResult For(HttpRequest request, Exception error, string tokenField, string groupField = "groupId") =>
        Map(request, error, error is VkApiException { Method: "stats.getPostReach" } ? "userToken" : tokenField, groupField);

    private static IResult Map(HttpRequest request, Exception error, string tokenField, string groupField) => error switch
    {
        VkApiException { Transient: true } or VkUnavailableException { Transient: true } =>
            Unavailable.RetryLater(request, "VK is unavailable", $"{error.Message} Nothing was changed; try again in a few minutes."),
        VkUnavailableException e => Unavailable.RetryLater(request, "VK is unavailable",
            $"{e.Message} Nothing was changed; if this persists, check the Vk__ApiBaseUrl setting."),
        VkApiException { Code: VkApiException.Authorization } e => Refused(
            $"VK does not accept '{tokenField}' (error 5 on {e.Method}: {e.VkMessage}). Create a new key and send it again.", tokenField, e),
        VkApiException { Code: VkApiException.AccessDenied or VkApiException.PrivateStats } e => Refused(
            $"'{tokenField}' lacks the rights {e.Method} needs (VK error {e.Code}: {e.VkMessage}). {RightsHint(e.Method)}", tokenField, e),
        VkApiException { Code: VkApiException.BadParameter } e => Refused(
            $"VK refused a parameter of {e.Method} (error 100: {e.VkMessage}); check '{groupField}'.", groupField, e),
        VkApiException e => Refused($"VK refused {e.Method} (error {e.Code}: {e.VkMessage}).", tokenField, e),
        _ => throw error,
    };

    /// <summary>A 422 that also names, for a page to word it in the person's language, the field and VK's error code.</summary>
    private static IResult Refused(string detail, string field, VkApiException e) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The request cannot be accepted",
            extensions: new Dictionary<string, object?> { ["field"] = field, ["vkError"] = e.Code, ["vkMethod"] = e.Method });

    private static string RightsHint(string method) => method switch
    {
        "stats.getPostReach" => "Use a token of a community administrator with the 'stats' right.",
        "wall.get" => "Use a key that can read the community's wall.",
        _ => "Use a key of this community.",
    };
}
