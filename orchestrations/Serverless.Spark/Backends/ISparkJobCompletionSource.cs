using Serverless.Spark.Jobs;

namespace Serverless.Spark.Backends;

/// <summary>
/// A backend that can tell when a job ends the moment it ends (push), so a caller need not poll. The local backend
/// runs jobs in this process and knows; cluster backends (Livy, Synapse, Databricks) do not implement it and are
/// polled.
/// </summary>
/// <remarks>
/// A watch lives in process memory only: after a restart nobody is told, so a caller keeps a slow fallback poll.
/// </remarks>
public interface ISparkJobCompletionSource
{
    /// <summary>Asks to be told once when a job of this process ends.</summary>
    /// <param name="handle">The job's handle.</param>
    /// <param name="ended">Called once with the final status, on a pool thread, after the job's final state is readable through status.</param>
    /// <returns>True when the job runs here and <paramref name="ended"/> will be called; false when it is not running here (already ended, or another host's job): read its status instead.</returns>
    bool WatchCompletion(SparkJobHandle handle, Func<SparkJobStatus, Task> ended);
}
