using System.Text.Json;
using Grpc.Core;
using Serverless.Pipelines.Service;

namespace Serverless.Functions.Api;

/// <summary>
/// Maps the failures of an API request to RFC 9457 problems (written by <see cref="ApiGate"/>): refused input becomes
/// 4xx with a message the caller can act on; only genuine server faults become 500, without internals.
/// </summary>
public static class ProblemResponses
{
    /// <summary>The seconds a client is told to wait (Retry-After) when the durable engine is unavailable.</summary>
    public const int RetryAfterSeconds = 5;

    private const string EngineUnavailableMessage =
        "The durable engine is not reachable right now (it is starting, or restarting after storage was lost; /api/health says which). Retry in a few seconds.";

    /// <summary>Maps an exception to a problem, or returns null when it is a server fault.</summary>
    /// <param name="error">The exception.</param>
    /// <returns>Status, title, detail and extensions; null for a server fault.</returns>
    public static (int Status, string Title, string Detail, IDictionary<string, object?>? Extensions)? Map(Exception error) => error switch
    {
        ApiProblemException p => (p.Status, p.Title, p.Message, p.Extensions),
        DagNotFoundException e => (StatusCodes.Status404NotFound, "DAG not found", e.Message, null),
        DagRunNotFoundException e => (StatusCodes.Status404NotFound, "Run not found", e.Message, null),
        DagRunRequestException e => (StatusCodes.Status400BadRequest, "Invalid request", e.Message, new Dictionary<string, object?> { ["problems"] = e.Problems }),
        DagRunConflictException e => (StatusCodes.Status409Conflict, "Conflict", e.Message, null),
        JsonException e => (StatusCodes.Status400BadRequest, "Malformed JSON", $"The request body is not valid JSON: {e.Message}", null),
        BadHttpRequestException e when e.StatusCode == StatusCodes.Status413PayloadTooLarge => (e.StatusCode, "Request body too large", RequestBodyLimit.TooLargeMessage, null),
        BadHttpRequestException e => (e.StatusCode, "Bad request", e.Message, null),

        // The durable client cannot reach the engine (the local host restarts it after storage was lost): not a
        // fault of the request, and over once the engine is back, so 503 with Retry-After rather than a 500.
        RpcException { StatusCode: StatusCode.Unavailable } => (StatusCodes.Status503ServiceUnavailable, "Durable engine unavailable", EngineUnavailableMessage, null),
        _ => null,
    };
}
