using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Scheduling;

namespace Serverless.Functions.Api;

/// <summary>Checks identifiers taken from the URL before they reach storage keys or blob paths.</summary>
public static class RouteValues
{
    /// <summary>Checks a DAG id.</summary>
    /// <param name="dagId">The value.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ApiProblemException">It is not a valid DAG id.</exception>
    public static string DagId(string dagId) => DagIdentifiers.IsValidDagId(dagId)
        ? dagId
        : throw new ApiProblemException($"'{dagId}' is not a valid DAG id: it must match {DagIdentifiers.DagIdPattern}.");

    /// <summary>Checks a run id.</summary>
    /// <param name="runId">The value.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ApiProblemException">It is not a valid run id.</exception>
    public static string RunId(string runId) => DagRunIds.IsValid(runId, out var error)
        ? runId
        : throw new ApiProblemException($"'{runId}' is not a valid run id: {error}");
}
