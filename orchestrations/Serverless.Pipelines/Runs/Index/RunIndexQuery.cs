namespace Serverless.Pipelines.Runs.Index;

/// <summary>A filter over the runs index.</summary>
/// <param name="DagId">Only this DAG (its own partition), or every DAG.</param>
/// <param name="State">Only runs in this state.</param>
/// <param name="From">Logical date at or after.</param>
/// <param name="To">Logical date before.</param>
/// <param name="Continuation">The token of the previous page.</param>
/// <param name="PageSize">The page size (1 to 1000).</param>
public sealed record RunIndexQuery(string? DagId, DagRunState? State, DateTimeOffset? From, DateTimeOffset? To, string? Continuation, int PageSize);
