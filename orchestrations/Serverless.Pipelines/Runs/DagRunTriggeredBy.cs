namespace Serverless.Pipelines.Runs;

/// <summary>
/// How a run was started: a field of the run, not a form of its id. Serialized in snake_case like the other enums
/// of the API (<c>schedule</c>, <c>backfill</c>, <c>manual</c>, <c>rerun</c>).
/// </summary>
/// <remarks>
/// Scheduler and backfill share one id per DAG and logical date (<c>{dagId}__scheduled-{timestamp}</c>), so that a
/// date never runs twice; which of them started the run is told only by this value.
/// </remarks>
public enum DagRunTriggeredBy
{
    /// <summary>The scheduler started the run at its schedule point.</summary>
    Schedule,

    /// <summary>A backfill started the run for a past schedule point.</summary>
    Backfill,

    /// <summary>A caller triggered the run (the trigger route, the CLI or the dashboard).</summary>
    Manual,

    /// <summary>A rerun of an earlier run, reusing its successful tasks.</summary>
    Rerun,
}
