using Microsoft.AspNetCore.Http;

namespace Donations.ServiceDefaults.Http;

/// <summary>RFC 7807 answers with a message a person can act on.</summary>
public static class Problems
{
    public static IResult Of(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static IResult BadRequest(string detail) => Of(StatusCodes.Status400BadRequest, "The request is not valid", detail);
    public static IResult Unprocessable(string detail) => Of(StatusCodes.Status422UnprocessableEntity, "The request cannot be accepted", detail);
    public static IResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, "Not found", detail);
    public static IResult Conflict(string detail) => Of(StatusCodes.Status409Conflict, "Conflict", detail);
    public static IResult Unauthorized(string detail) => Of(StatusCodes.Status401Unauthorized, "Not authenticated", detail);
    public static IResult Forbidden(string detail) => Of(StatusCodes.Status403Forbidden, "Not allowed", detail);
    public static IResult BadSignature(string detail) => Of(StatusCodes.Status401Unauthorized, "The signature does not verify", detail);
    public static IResult TooLarge(long limit) => Of(StatusCodes.Status413PayloadTooLarge, "The body is too large", $"Bodies are limited to {limit} bytes.");

    public static IResult MissingKey() => Unauthorized("Send 'Authorization: Bearer <key>' with the admin, manager or viewer key.");
}
