namespace Serverless.Pipelines.Runs;

/// <summary>The state of one task (or mapped task instance) in a run, named as Airflow names them.</summary>
public enum TaskInstanceState
{
    /// <summary>Not scheduled yet (Airflow's "none").</summary>
    None,

    /// <summary>Ready; waiting for a slot under max active tasks.</summary>
    Queued,

    /// <summary>Submitted or running on its backend (a sensor: waiting).</summary>
    Running,

    /// <summary>Finished successfully.</summary>
    Success,

    /// <summary>Failed after its last attempt.</summary>
    Failed,

    /// <summary>An attempt failed; a retry waits on a timer.</summary>
    UpForRetry,

    /// <summary>Not run because an upstream failed (as its trigger rule decided).</summary>
    UpstreamFailed,

    /// <summary>Not run: skipped by a branch, a soft-failing sensor, or its trigger rule.</summary>
    Skipped,
}
