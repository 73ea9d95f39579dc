using System.Text.Json.Nodes;
using Serverless.Pipelines.Runs.Tasks;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="WriteRunManifest"/>.</summary>
/// <param name="Location">Where the manifest goes (<c>container/path</c>).</param>
/// <param name="Manifest">The manifest; input and output entries without <c>bytes</c> are measured by the activity. Null writes none (a large run writes it when it ends).</param>
/// <param name="Index">The run as the runs index lists it, recorded with the manifest; null records nothing.</param>
public sealed record WriteRunManifestInput(string Location, JsonObject? Manifest, Runs.Index.RunIndexEntry? Index = null)
{
    /// <summary>Gets the run whose <see cref="Records"/> these are.</summary>
    public string? RunId { get; init; }

    /// <summary>Gets the run's task records that changed since its last write, for <see cref="RunTaskStore"/>.</summary>
    public IReadOnlyList<StoredTaskRecord>? Records { get; init; }

    /// <summary>Gets each task's kind (wire name) when the activity assembles the manifest's task list from <see cref="RunTaskStore"/> (a run too large to pass every record); null otherwise.</summary>
    public IReadOnlyDictionary<string, string>? TaskKinds { get; init; }

    /// <summary>Gets each task's definition hash, with <see cref="TaskKinds"/>.</summary>
    public IReadOnlyDictionary<string, string>? TaskHashes { get; init; }
}
