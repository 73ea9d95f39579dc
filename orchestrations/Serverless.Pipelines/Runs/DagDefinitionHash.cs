using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Runs;

/// <summary>
/// The content hashes that name the definition a run pinned: SHA-256 of the DAG's canonical JSON (the export in the
/// run's input, <c>DagRunInput.DagJson</c>) and of each task's part of it. Editing a DAG file
/// changes the hash of new runs; a running or replaying run keeps its own, since its input never changes.
/// </summary>
public static class DagDefinitionHash
{
    /// <summary>Gets the hash of a DAG's canonical JSON.</summary>
    /// <param name="dagJson">The exported DAG.</param>
    /// <returns>Lowercase hex SHA-256.</returns>
    public static string Of(string dagJson)
    {
        ArgumentNullException.ThrowIfNull(dagJson);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dagJson)));
    }

    /// <summary>Gets the hash of each task's canonical JSON, by task id.</summary>
    /// <param name="dagJson">The exported DAG.</param>
    /// <returns>The hashes.</returns>
    public static IReadOnlyDictionary<string, string> OfTasks(string dagJson)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (JsonNode.Parse(dagJson)?["tasks"] is JsonArray tasks)
        {
            foreach (var task in tasks)
            {
                if (task?["id"]?.GetValue<string>() is { } id)
                {
                    hashes[id] = Of(task.ToJsonString());
                }
            }
        }

        return hashes;
    }
}
