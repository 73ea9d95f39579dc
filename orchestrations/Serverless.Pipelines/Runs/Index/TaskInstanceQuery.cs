namespace Serverless.Pipelines.Runs.Index;

/// <summary>A filter over the task instances of indexed runs.</summary>
/// <param name="DagId">Only this DAG's runs.</param>
/// <param name="TaskId">Only this task.</param>
/// <param name="State">Only instances in this state.</param>
/// <param name="From">Run logical date at or after.</param>
/// <param name="To">Run logical date before.</param>
/// <param name="Continuation">The token of the previous page.</param>
/// <param name="PageSize">The page size (1 to 1000).</param>
public sealed record TaskInstanceQuery(string? DagId, string? TaskId, TaskInstanceState? State, DateTimeOffset? From, DateTimeOffset? To, string? Continuation, int PageSize);
