using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="MappedTaskOrchestrator"/>: one chunk of a mapped task's instances.</summary>
public sealed record MapChunkInput
{
    /// <summary>Gets the run's input (the DAG, params, settings).</summary>
    public required DagRunInput Run { get; init; }

    /// <summary>Gets the mapped task's id.</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets the map index of the chunk's first item.</summary>
    public int FirstIndex { get; init; }

    /// <summary>Gets the chunk's items, in map-index order.</summary>
    public IReadOnlyList<JsonNode?> Items { get; init; } = [];

    /// <summary>Gets the most instances of this chunk running at once.</summary>
    public int MaxParallelism { get; init; } = 1;

    /// <summary>Gets the records of the tasks that had finished when the chunk started (what specs and templates read: outputs, state).</summary>
    public IReadOnlyList<TaskInstanceRecord> Finished { get; init; } = [];
}
