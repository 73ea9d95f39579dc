namespace Serverless.Spark.Jobs;

/// <summary>Gets the state of a submitted job, mapped from every backend's own states.</summary>
public enum SparkJobState
{
    /// <summary>Accepted, not running yet (queued, starting, waiting for a cluster).</summary>
    Pending,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Finished successfully; outputs are written.</summary>
    Succeeded,

    /// <summary>Finished with an error; see the message and log tail.</summary>
    Failed,

    /// <summary>Cancelled on request (or killed on the cluster).</summary>
    Cancelled,

    /// <summary>
    /// The backend no longer knows the job: the host that ran it stopped (local backend), or the cluster forgot the
    /// batch. Terminal; resubmit under a new idempotency key to run it again.
    /// </summary>
    Lost,
}
