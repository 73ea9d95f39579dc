using Serverless.Spark.Jobs;

namespace Serverless.Spark.Backends;

/// <summary>
/// A backend that can tell whether a job still runs from the cluster alone. Its full status read
/// (<see cref="ISparkBackend.GetStatusAsync"/>) first reads the job's record in the jobs table, for the final status
/// stored when the cluster may have forgotten the job; a frequent poller asks this instead, so a poll is one cluster
/// request and no storage transaction, and reads the full status once this says the job is no longer running.
/// </summary>
public interface ISparkJobStatusProbe
{
    /// <summary>Asks the cluster whether a job is still running (or waiting to run).</summary>
    /// <param name="handle">The job's handle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True while it runs; false when it looks ended or the cluster does not know it: read its status then.</returns>
    Task<bool> IsRunningAsync(SparkJobHandle handle, CancellationToken cancellationToken = default);
}
