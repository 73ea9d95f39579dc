using System.Text.Json.Nodes;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;

namespace Serverless.Pipelines.Service;

/// <summary>How a run is started.</summary>
/// <param name="Params">Run parameters, validated against the DAG's declared params.</param>
/// <param name="LogicalDate">The logical date; now when null.</param>
/// <param name="RunId">A caller-chosen run id; derived when null.</param>
/// <param name="RequestedBy">Who triggered it, for the audit trails; none recorded when null.</param>
public sealed record DagRunTrigger(JsonObject? Params = null, DateTimeOffset? LogicalDate = null, string? RunId = null, string? RequestedBy = null);

/// <summary>The result of starting a run.</summary>
/// <param name="RunId">The run id (the orchestration instance id).</param>
/// <param name="DagId">The DAG id.</param>
/// <param name="Created">False when a run with that id already existed and was returned instead.</param>
public sealed record DagRunStartResult(string RunId, string DagId, bool Created);

/// <summary>Which tasks a rerun re-executes.</summary>
/// <param name="Tasks">Task ids to clear (with everything downstream); null means decided by <paramref name="OnlyFailed"/>.</param>
/// <param name="OnlyFailed">When no tasks are named: re-execute failed and upstream_failed tasks. The default is true.</param>
/// <param name="UseOriginalDefinition">
/// False (the default, as Airflow's clear after a fix): the new run pins the DAG file as it is now, and a task whose
/// definition changed runs again with everything downstream. True: the new run pins the definition the old run had.
/// </param>
/// <param name="Downstream">Whether the named tasks' downstream tasks are cleared with them (Airflow's clear default). The default is true.</param>
/// <param name="Upstream">Whether the named tasks' upstream tasks are cleared with them. The default is false.</param>
/// <param name="RequestedBy">Who asked, for the audit trails of both runs; null records <c>anonymous</c>.</param>
public sealed record DagRerunRequest(IReadOnlyList<string>? Tasks = null, bool OnlyFailed = true, bool UseOriginalDefinition = false, bool Downstream = true, bool Upstream = false, string? RequestedBy = null);

/// <summary>How a backfill treats its runs.</summary>
/// <param name="Params">Run parameters for every run of the backfill, validated against the DAG's declared params.</param>
/// <param name="Reset">
/// Airflow's <c>--reset-dagruns</c>: schedule points whose run exists are re-run: the finished run is purged and started
/// again under the same per-date run id (a run still queued or running is refused). The default is false: existing runs are kept.
/// </param>
/// <param name="RequestedBy">Who asked, for the audit trail of reset runs.</param>
public sealed record DagBackfillOptions(JsonObject? Params = null, bool Reset = false, string? RequestedBy = null);

/// <summary>Marks a finished run, or one task of it, success or failed.</summary>
/// <param name="State">Success or failed.</param>
/// <param name="TaskId">The task (every map index), or null for the whole run.</param>
/// <param name="RequestedBy">Who asked, for the audit trail.</param>
public sealed record DagRunMarkRequest(DagRunState State, string? TaskId, string RequestedBy);

/// <summary>A filter over runs.</summary>
/// <param name="DagId">Only this DAG.</param>
/// <param name="State">Only this state.</param>
/// <param name="From">Logical date at or after.</param>
/// <param name="To">Logical date before.</param>
/// <param name="Continuation">The token from the previous page.</param>
/// <param name="PageSize">The page size. The default is 50.</param>
public sealed record DagRunQuery(string? DagId = null, DagRunState? State = null, DateTimeOffset? From = null, DateTimeOffset? To = null, string? Continuation = null, int PageSize = 50);

/// <summary>One page of runs.</summary>
/// <param name="Runs">The runs.</param>
/// <param name="Continuation">The token for the next page, or null.</param>
public sealed record DagRunPage(IReadOnlyList<DagRunInfo> Runs, string? Continuation);

/// <summary>A run as the API shows it.</summary>
public sealed record DagRunInfo
{
    public required string RunId { get; init; }

    public required string DagId { get; init; }

    public required DagRunState State { get; init; }

    public DateTimeOffset? LogicalDate { get; init; }

    public JsonObject? Params { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public IReadOnlyList<TaskInstanceInfo> Tasks { get; init; } = [];

    /// <summary>Gets how the run was started: <c>schedule</c>, <c>backfill</c>, <c>manual</c> or <c>rerun</c>.</summary>
    public DagRunTriggeredBy? TriggeredBy { get; init; }

    /// <summary>Gets the SHA-256 of the DAG definition the run pinned (its canonical JSON), or null for a run without one.</summary>
    public string? DefinitionHash { get; init; }

    /// <summary>Gets the run-level error (a failed task's message, termination reason, or engine failure).</summary>
    public string? Error { get; init; }

    /// <summary>Gets the run this one reruns, if any.</summary>
    public string? RerunOf { get; init; }

    /// <summary>Gets the run's deadline, or null when its DAG sets none.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Gets a value indicating whether the run had not finished by its deadline.</summary>
    public bool DeadlineMissed { get; init; }

    /// <summary>Gets who did what to the run, oldest first (marks, clears).</summary>
    public IReadOnlyList<RunAuditEntry> Audit { get; init; } = [];

    /// <summary>Gets who marked the run's state, when an operator set it rather than the run.</summary>
    public string? MarkedBy { get; init; }
}

/// <summary>One task instance of a run (a mapped task has one per map index).</summary>
public sealed record TaskInstanceInfo
{
    public required string Id { get; init; }

    public required TaskInstanceState State { get; init; }

    /// <summary>Gets the map index of a mapped task instance; null for unmapped tasks.</summary>
    public int? MapIndex { get; init; }

    public int Attempts { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets the backend job id of the latest attempt.</summary>
    public string? JobId { get; init; }

    /// <summary>Gets output name → blob location (<c>container/path</c>).</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the error of the last failed attempt.</summary>
    public string? Error { get; init; }

    /// <summary>Gets a value indicating whether the first attempt's job was submitted by its upstream's activity (fast-job chaining).</summary>
    public bool Chained { get; init; }

    /// <summary>Gets a value indicating whether the outputs were reused from an earlier run (rerun).</summary>
    public bool Reused { get; init; }

    /// <summary>Gets the small values the task published (<c>values:</c> in the DAG file), by name; null when it published none.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>? Values { get; init; }

    /// <summary>Gets the SHA-256 of the task's part of the pinned definition.</summary>
    public string? DefinitionHash { get; init; }

    /// <summary>Gets who marked the state, when an operator set it (mark success/failed) rather than the run.</summary>
    public string? MarkedBy { get; init; }
}
