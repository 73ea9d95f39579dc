namespace Serverless.Pipelines.Runs;

/// <summary>The state of a DAG run, named as Airflow names them.</summary>
public enum DagRunState
{
    /// <summary>Created; waiting under max active runs.</summary>
    Queued,

    /// <summary>Running tasks.</summary>
    Running,

    /// <summary>Every leaf task ended in success or skipped.</summary>
    Success,

    /// <summary>A leaf task ended in failed or upstream_failed, or the run was terminated.</summary>
    Failed,
}
