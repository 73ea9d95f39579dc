using Serverless.Spark.Jobs;

namespace Serverless.Spark.Backends.Databricks;

/// <summary>Maps Databricks Jobs API 2.1 run states: <c>life_cycle_state</c> first, then <c>result_state</c> of terminated runs.</summary>
internal static class DatabricksStates
{
    /// <summary>Maps a run state.</summary>
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
