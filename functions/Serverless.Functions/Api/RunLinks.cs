using System.Text.Json.Serialization;

namespace Serverless.Functions.Api;

/// <summary>
/// The management URIs of a run, shaped like the Durable Functions HTTP API's <c>CreateCheckStatusResponse</c> body so
/// tools that poll that pattern (curl scripts, Logic Apps, Data Factory Web activities) work unchanged.
/// </summary>
/// <param name="Id">The run id.</param>
/// <param name="StatusQueryGetUri">GET: the run's state (202 while running, 200 when finished).</param>
/// <param name="TerminatePostUri">POST: terminates the run; replace <c>{text}</c> with a reason.</param>
/// <param name="SendEventPostUri">POST: raises an event; replace <c>{eventName}</c>.</param>
/// <param name="RerunPostUri">POST: reruns failed tasks in a new run.</param>
/// <param name="PurgeHistoryDeleteUri">DELETE: purges the run's state.</param>
public sealed record RunLinks(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("statusQueryGetUri")] string StatusQueryGetUri,
    [property: JsonPropertyName("terminatePostUri")] string TerminatePostUri,
    [property: JsonPropertyName("sendEventPostUri")] string SendEventPostUri,
    [property: JsonPropertyName("rerunPostUri")] string RerunPostUri,
    [property: JsonPropertyName("purgeHistoryDeleteUri")] string PurgeHistoryDeleteUri)
{
    /// <summary>The Retry-After seconds suggested while a run is queued or running.</summary>
    public const int RetryAfterSeconds = 2;

    /// <summary>Builds the links for a run from the request's public base address.</summary>
    /// <param name="request">The request (forwarded headers respected).</param>
    /// <param name="runId">The run id.</param>
    /// <returns>The links.</returns>
    public static RunLinks For(HttpRequest request, string runId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = $"{BaseAddress(request)}/api/runs/{Uri.EscapeDataString(runId)}";
        return new RunLinks(runId, run, $"{run}/terminate?reason={{text}}", $"{run}/events/{{eventName}}", $"{run}/rerun", run);
    }

    /// <summary>Writes the 202 Accepted response of the asynchronous-operation pattern.</summary>
    /// <param name="context">The request.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="created">Whether the run was created by this request.</param>
    /// <returns>The result.</returns>
    public static IResult Accepted(HttpContext context, string runId, bool created)
    {
        ArgumentNullException.ThrowIfNull(context);
        var links = For(context.Request, runId);
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers.Location = links.StatusQueryGetUri;
        return Results.Json(new RunAccepted(links, created), ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Gets the scheme and host the caller used, honouring the forwarding headers of proxies and the Functions host.</summary>
    /// <param name="request">The request.</param>
    /// <returns>For example <c>http://127.0.0.1:7071</c>.</returns>
    public static string BaseAddress(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var host = request.Headers["X-Forwarded-Host"].FirstOrDefault()?.Split(',')[0].Trim();
        var scheme = request.Headers["X-Forwarded-Proto"].FirstOrDefault()?.Split(',')[0].Trim();
        return $"{(string.IsNullOrEmpty(scheme) ? request.Scheme : scheme)}://{(string.IsNullOrEmpty(host) ? request.Host.Value : host)}";
    }
}
