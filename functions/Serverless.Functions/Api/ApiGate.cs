using Microsoft.AspNetCore.Http.Features;

namespace Serverless.Functions.Api;

/// <summary>
/// What every API function does around its handler, in one place for both hosts (the Functions host and the local
/// host call the same function methods): the key check (401), the body limit (413), and errors as problem+json —
/// known ones as 4xx with a detail saying what to change, anything else as a 500 whose detail names the trace id.
/// </summary>
public sealed class ApiGate
{
    private const string CallerItem = "serverless.caller";
    private readonly ApiKeyCheck keys;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="ApiGate"/> class.</summary>
    /// <param name="keys">The key check.</param>
    /// <param name="logger">The logger.</param>
    public ApiGate(ApiKeyCheck keys, ILogger<ApiGate> logger)
    {
        this.keys = keys;
        this.logger = logger;
    }

    /// <summary>Runs a handler that needs a key.</summary>
    /// <param name="request">The request.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The handler's result, or a problem.</returns>
    public Task<IResult> RunAsync(HttpRequest request, Func<Task<IResult>> handler) => this.RunAsync(request, handler, requireKey: true);

    /// <summary>Runs a handler.</summary>
    /// <param name="request">The request.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="requireKey">Whether the route needs a key.</param>
    /// <returns>The handler's result, or a problem.</returns>
    public async Task<IResult> RunAsync(HttpRequest request, Func<Task<IResult>> handler, bool requireKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        var caller = this.keys.Authorize(request);
        request.HttpContext.Items[CallerItem] = caller ?? "anonymous";
        if (requireKey && caller is null)
        {
            this.logger.KeyRefused(request.Path);
            return Problem(
                request,
                StatusCodes.Status401Unauthorized,
                "Unauthorized",
                $"A valid API key is required: send it in the '{ApiKeyCheck.HeaderName}' header or the '{ApiKeyCheck.QueryName}' query parameter (settings Serverless__ApiKeys__<name> or Serverless__ApiKey).");
        }

        try
        {
            if (await RequestBodyLimit.BufferAsync(request).ConfigureAwait(false) is false)
            {
                return Problem(request, StatusCodes.Status413PayloadTooLarge, "Request body too large", RequestBodyLimit.TooLargeMessage);
            }

            return await handler().ConfigureAwait(false);
        }
        catch (Exception error) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            if (ProblemResponses.Map(error) is { } problem)
            {
                if (problem.Status == StatusCodes.Status503ServiceUnavailable)
                {
                    request.HttpContext.Response.Headers.RetryAfter = ProblemResponses.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return Problem(request, problem.Status, problem.Title, problem.Detail, problem.Extensions);
            }

            this.logger.RequestFailed(request.Method, request.Path, error);
            var traceId = request.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity?.Id ?? request.HttpContext.TraceIdentifier;
            return Problem(
                request,
                StatusCodes.Status500InternalServerError,
                "Internal error",
                $"The server failed to handle the request; the log has the details under trace id {traceId}. Retry, and report it if it persists.");
        }
    }

    /// <summary>Gets who made a request, as <see cref="ApiKeyCheck.Authorize"/> named it: what audit trails record.</summary>
    /// <param name="context">The request's context.</param>
    /// <returns>The caller (<c>key:{name}</c>, <c>principal:{name}</c> or <c>anonymous</c>).</returns>
    public static string Caller(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[CallerItem] as string ?? "anonymous";
    }

    /// <summary>Builds a problem+json result.</summary>
    /// <param name="request">The request (its path is the problem's instance).</param>
    /// <param name="status">The status.</param>
    /// <param name="title">The title.</param>
    /// <param name="detail">What to change.</param>
    /// <param name="extensions">Extra members.</param>
    /// <returns>The result.</returns>
    public static IResult Problem(HttpRequest request, int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Results.Problem(detail: detail, instance: request.Path, statusCode: status, title: title, extensions: extensions);
    }
}
