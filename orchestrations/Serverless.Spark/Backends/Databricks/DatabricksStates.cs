using Serverless.Spark.Jobs;

namespace Serverless.Spark.Backends.Databricks;

/// <summary>
/// Maps Databricks run states. Jobs API 2.2 reports <c>status</c> (<c>RunStatus</c>: <c>state</c> and
/// <c>termination_details.code</c>); the top-level <c>state</c> (<c>life_cycle_state</c>, <c>result_state</c>) is
/// deprecated and only read when <c>status</c> is absent.
/// </summary>
internal static class DatabricksStates
{
    /// <summary>Maps a 2.2 <c>status</c>.</summary>
    /// <param name="state">RunLifecycleStateV2State: BLOCKED, PENDING, QUEUED, RUNNING, TERMINATING, TERMINATED, WAITING.</param>
    /// <param name="code">TerminationCodeCode of a terminated run: SUCCESS, SUCCESS_WITH_FAILURES, USER_CANCELED, CANCELED, SKIPPED, DRIVER_ERROR, …</param>
    /// <param name="cancelRequested">Whether this backend asked for the cancel, which makes a platform <c>CANCELED</c> ours.</param>
    /// <returns>The job state.</returns>
    public static SparkJobState MapStatus(string? state, string? code, bool cancelRequested) => state switch
    {
        "QUEUED" or "PENDING" or "BLOCKED" or "WAITING" => SparkJobState.Pending,
        "RUNNING" or "TERMINATING" => SparkJobState.Running,
        "TERMINATED" => code switch
        {
            "SUCCESS" or "SUCCESS_WITH_FAILURES" => SparkJobState.Succeeded,
            "USER_CANCELED" => SparkJobState.Cancelled,

            // CANCELED is the platform stopping a run (for example its maximum duration passed): a failure unless we asked.
            "CANCELED" => cancelRequested ? SparkJobState.Cancelled : SparkJobState.Failed,
            _ => SparkJobState.Failed,
        },

        // A state added later: keep polling.
        _ => SparkJobState.Running,
    };

    /// <summary>Maps the deprecated run state (answers without <c>status</c>).</summary>
    /// <param name="lifeCycle">QUEUED, PENDING, RUNNING, TERMINATING, TERMINATED, SKIPPED, INTERNAL_ERROR, BLOCKED, WAITING_FOR_RETRY.</param>
    /// <param name="result">SUCCESS, SUCCESS_WITH_FAILURES, FAILED, TIMEDOUT, CANCELED, MAXIMUM_CONCURRENT_RUNS_REACHED, EXCLUDED, UPSTREAM_FAILED, UPSTREAM_CANCELED, DISABLED.</param>
    /// <returns>The job state.</returns>
    public static SparkJobState Map(string? lifeCycle, string? result) => lifeCycle switch
    {
        "QUEUED" or "PENDING" or "BLOCKED" or "WAITING_FOR_RETRY" => SparkJobState.Pending,
        "RUNNING" or "TERMINATING" => SparkJobState.Running,
        "SKIPPED" or "INTERNAL_ERROR" => SparkJobState.Failed,
        "TERMINATED" => result switch
        {
            "SUCCESS" or "SUCCESS_WITH_FAILURES" => SparkJobState.Succeeded,
            "CANCELED" or "UPSTREAM_CANCELED" => SparkJobState.Cancelled,
            _ => SparkJobState.Failed,
        },

        // A state added later: keep polling.
        _ => SparkJobState.Running,
    };
}
