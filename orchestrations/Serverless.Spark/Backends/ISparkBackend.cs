using Serverless.Spark.Jobs;

namespace Serverless.Spark.Backends;

/// <summary>
/// Runs Spark jobs somewhere: submit (idempotent by key), status, cancel. Every call is short: a job is polled,
/// never awaited. Implementations never put secrets into statuses, messages or exceptions.
/// </summary>
public interface ISparkBackend
{
    /// <summary>Gets the backend name (<c>local</c>, <c>livy</c>, <c>synapse</c>, <c>databricks</c>).</summary>
    string Name { get; }

    /// <summary>Gets the job kinds this backend runs.</summary>
    IReadOnlyCollection<SparkJobKind> SupportedKinds { get; }

    /// <summary>Submits a job; a second call with the same key returns the first job and starts nothing.</summary>
    /// <param name="spec">A validated spec.</param>
    /// <param name="idempotencyKey">The key (see <see cref="SparkIdempotencyKey"/>).</param>
    /// <param name="cancellationToken">Cancels the call (not the job).</param>
    /// <returns>The handle of the job.</returns>
    Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Reads the status of a job.</summary>
    /// <param name="handle">The handle returned by <see cref="StartJobAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default);

    /// <summary>Asks for a job to stop; returns the status after the request (may still be running for a while).</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default);
}
