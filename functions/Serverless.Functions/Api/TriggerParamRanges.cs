using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Service;

namespace Serverless.Functions.Api;

/// <summary>
/// Checks the numbers of a trigger's <c>params</c> against the ranges of their declared types
/// (<see cref="DagParamRanges"/>: integers within 64 bits, numbers finite), so <c>1e20</c> for an integer is a 400.
/// </summary>
/// <remarks>The service checks each value's type; this adds only the range, before the run is started.</remarks>
public static class TriggerParamRanges
{
    /// <summary>Checks the supplied parameter values.</summary>
    /// <param name="dag">The DAG, or <see langword="null"/> when it is not known (the service then answers 404).</param>
    /// <param name="parameters">The supplied values, or <see langword="null"/>.</param>
    /// <exception cref="DagRunRequestException">400, with one problem per value out of range, as the service words its own.</exception>
    public static void Check(DagDefinition? dag, JsonObject? parameters)
    {
        if (dag is null || parameters is null)
        {
            return;
        }

        var problems = new List<string>();
        foreach (var (name, value) in parameters)
        {
            if (dag.FindParam(name) is { } declared && DagParamRanges.Problem(declared.Type, value) is { } problem)
            {
                problems.Add($"params.{name}: {problem}");
            }
        }

        if (problems.Count > 0)
        {
            throw new DagRunRequestException($"The params of DAG '{dag.Id}' are invalid.", problems);
        }
    }
}
