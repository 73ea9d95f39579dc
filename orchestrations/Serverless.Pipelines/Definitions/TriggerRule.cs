namespace Serverless.Pipelines.Definitions;

/// <summary>
/// When a task runs relative to the states of its direct upstream tasks, exactly as Airflow's trigger rules.
/// Written in files in snake case (<c>all_success</c>, <c>none_failed_min_one_success</c>, …).
/// </summary>
public enum TriggerRule
{
    /// <summary>All upstream tasks succeeded (the default).</summary>
    AllSuccess,

    /// <summary>All upstream tasks are failed or upstream_failed.</summary>
    AllFailed,

    /// <summary>All upstream tasks are done, whatever their state.</summary>
    AllDone,

    /// <summary>All upstream tasks were skipped.</summary>
    AllSkipped,

    /// <summary>At least one upstream task succeeded; does not wait for the others.</summary>
    OneSuccess,

    /// <summary>At least one upstream task failed; does not wait for the others.</summary>
    OneFailed,

    /// <summary>At least one upstream task succeeded or failed.</summary>
    OneDone,

    /// <summary>No upstream task failed or is upstream_failed (all succeeded or were skipped).</summary>
    NoneFailed,

    /// <summary>No upstream task failed or is upstream_failed, and at least one succeeded.</summary>
    NoneFailedMinOneSuccess,

    /// <summary>No upstream task was skipped (all done, none skipped).</summary>
    NoneSkipped,

    /// <summary>Runs as soon as the run starts, whatever the upstream states.</summary>
    Always,
}
