namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="DagBackfillOrchestrator"/>.</summary>
public sealed record DagBackfillInput
{
    /// <summary>Gets the DAG id.</summary>
    public required string DagId { get; init; }

    /// <summary>Gets the most runs of the backfill active at once.</summary>
    public int MaxActiveRuns { get; init; } = 1;

    /// <summary>Gets the input every run starts from (DAG snapshot, params, settings); each run sets its own id and dates.</summary>
    public required DagRunInput Template { get; init; }

    /// <summary>Gets the runs to start, oldest first.</summary>
    public IReadOnlyList<BackfillPoint> Remaining { get; init; } = [];
}
