using System.Text.Json.Serialization;
using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// One task instance as the DAG orchestrator tracks it (a mapped task has one per map index): what the custom status,
/// the run result and the manifest show, and what a rerun reuses.
/// </summary>
public sealed record TaskInstanceRecord
{
    /// <summary>Gets or sets the task id.</summary>
    public required string TaskId { get; set; }

    /// <summary>Gets or sets the map index of a mapped instance, or <see langword="null"/>.</summary>
    public int? MapIndex { get; set; }

    /// <summary>Gets or sets the state.</summary>
    public TaskInstanceState State { get; set; }

    /// <summary>Gets or sets the number of attempts started.</summary>
    public int Attempts { get; set; }

    /// <summary>Gets or sets when the first attempt started (orchestration time, UTC).</summary>
    public DateTime? StartedAt { get; set; }

    /// <summary>Gets or sets when the instance reached a final state.</summary>
    public DateTime? EndedAt { get; set; }

    /// <summary>Gets or sets the start time of every attempt, in order (shows the retry delays).</summary>
    [JsonIgnore] // Kept in orchestration memory and in the manifest; left out of the custom status to keep it small.
    public List<DateTime>? AttemptStarts { get; set; }

    /// <summary>Gets or sets the backend job id of the latest attempt.</summary>
    public string? JobId { get; set; }

    /// <summary>Gets or sets the backend of the latest attempt's job.</summary>
    public string? Backend { get; set; }

    /// <summary>Gets or sets the idempotency key of the latest attempt's job (what cancel needs).</summary>
    [JsonIgnore] // Kept in orchestration memory and in the manifest; left out of the custom status to keep it small.
    public string? JobKey { get; set; }

    /// <summary>Gets or sets output name → location (<c>container/path/</c>).</summary>
    public Dictionary<string, string>? Outputs { get; set; }

    /// <summary>Gets or sets input name → location, as the latest attempt read them.</summary>
    [JsonIgnore] // Kept in orchestration memory and in the manifest; left out of the custom status to keep it small.
    public Dictionary<string, string>? Inputs { get; set; }

    /// <summary>Gets or sets the rows written by the latest attempt, when the backend reports them.</summary>
    public long? RowsWritten { get; set; }

    /// <summary>Gets or sets the error of the last failed attempt.</summary>
    public string? Error { get; set; }

    /// <summary>Gets or sets a value indicating whether the first attempt's job was submitted by an upstream's activity (fast-job chaining).</summary>
    public bool Chained { get; set; }

    /// <summary>Gets or sets the end of the latest attempt's job as the submitting activity saw it (the run learns it later), or null when it ended after that activity.</summary>
    public DateTime? JobEndedAt { get; set; }

    /// <summary>Gets or sets a value indicating whether the outputs were reused from an earlier run.</summary>
    public bool Reused { get; set; }

    /// <summary>Gets or sets the small values the task published (<see cref="Definitions.DagTask.Values"/>), by name; carried into reruns that reuse the task.</summary>
    public Dictionary<string, System.Text.Json.Nodes.JsonNode?>? Values { get; set; }

    /// <summary>Gets or sets the task ids a branch task chose to follow.</summary>
    public List<string>? Followed { get; set; }

    /// <summary>Gets or sets who marked the instance while the run ran (<see cref="DagRunEvents.Mark"/>); a marked instance keeps its state.</summary>
    public string? MarkedBy { get; set; }

    /// <summary>Gets a value indicating whether the state is final.</summary>
    public bool IsFinished => State is TaskInstanceState.Success or TaskInstanceState.Failed or TaskInstanceState.Skipped or TaskInstanceState.UpstreamFailed;
}
