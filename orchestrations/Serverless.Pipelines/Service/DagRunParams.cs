using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Validation;

namespace Serverless.Pipelines.Service;

/// <summary>The params a run starts with: the supplied ones checked against the DAG's declarations, then the defaults.</summary>
internal static class DagRunParams
{
    /// <summary>Validates supplied params against the DAG's declarations and applies the defaults.</summary>
    public static JsonObject Resolve(DagDefinition dag, JsonObject? supplied)
    {
        var values = supplied?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var problems = DagValidator.ValidateRunParams(dag, values);
        if (problems.Count > 0)
        {
            throw new DagRunRequestException($"The params of DAG '{dag.Id}' are invalid.", problems.Select(p => $"{p.Path}: {p.Message}").ToList());
        }

        var resolved = new JsonObject();
        foreach (var (name, value) in DagValidator.ResolveRunParams(dag, values))
        {
            resolved[name] = value?.DeepClone();
        }

        return resolved;
    }

}
