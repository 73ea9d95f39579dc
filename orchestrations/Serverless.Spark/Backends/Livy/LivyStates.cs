using Serverless.Spark.Jobs;

namespace Serverless.Spark.Backends.Livy;

/// <summary>Maps Livy batch states (not_started, starting, recovering, idle, running, busy, shutting_down, error, dead, killed, success).</summary>
internal static class LivyStates
{
    /// <summary>Maps one state.</summary>
    /// <param name="state">The Livy state.</param>
    /// <returns>The job state.</returns>
    public static SparkJobState Map(string? state) => state switch
    {
        "not_started" or "starting" or "recovering" => SparkJobState.Pending,
        "idle" or "running" or "busy" or "shutting_down" => SparkJobState.Running,
        "success" => SparkJobState.Succeeded,
        "error" or "dead" => SparkJobState.Failed,
        "killed" => SparkJobState.Cancelled,

        // A state added by a later Livy: not terminal, so pollers keep polling rather than stop on a guess.
        _ => SparkJobState.Running,
    };
}
