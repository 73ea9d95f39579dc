using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="DagBackfillOrchestrator"/> and <see cref="StartBackfillRuns"/>.</summary>
public sealed record DagBackfillInput
{
    /// <summary>Gets the DAG id.</summary>
    public required string DagId { get; init; }

    /// <summary>Gets the DAG as exported JSON.</summary>
    public required string DagJson { get; init; }

    /// <summary>Gets the most runs of the DAG active at once.</summary>
    public int MaxActiveRuns { get; init; } = 1;

    /// <summary>Gets the resolved parameters every run gets.</summary>
    public JsonObject Params { get; init; } = [];

    /// <summary>Gets how long the backfill waits before it checks for free run slots again. The default is 2 seconds.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the runs not started yet, oldest first.</summary>
    public IReadOnlyList<BackfillPoint> Remaining { get; init; } = [];
}
