using Serverless.Spark.Backends;
using Serverless.Spark.Jobs;

namespace Serverless.Spark;

/// <summary>
/// The entry point for submitting Spark jobs: validates a spec against the configured backend (every error at once),
/// then submits, reads status or cancels through it. Thread-safe; register one per process.
/// </summary>
public sealed class SparkJobClient
{
    /// <summary>Initializes a new instance of the <see cref="SparkJobClient"/> class.</summary>
    /// <param name="backend">The backend jobs run on.</param>
    /// <param name="validator">The spec validator (data container and account of this deployment).</param>
    public SparkJobClient(ISparkBackend backend, SparkJobSpecValidator validator)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(validator);
        this.Backend = backend;
        this.Validator = validator;
    }

    /// <summary>Gets the backend.</summary>
    public ISparkBackend Backend { get; }

    /// <summary>Gets the validator.</summary>
    public SparkJobSpecValidator Validator { get; }

    /// <summary>Returns every problem with a spec for this backend; empty when it can be submitted.</summary>
    /// <param name="spec">The spec.</param>
    /// <returns>The errors.</returns>
    public IReadOnlyList<string> Validate(SparkJobSpec spec) => this.Validator.Validate(spec, this.Backend.Name, this.Backend.SupportedKinds);

    /// <summary>Validates and submits a job. A repeat with the same key returns the first job and starts nothing.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="idempotencyKey">The key (see <see cref="SparkIdempotencyKey"/>).</param>
    /// <param name="cancellationToken">Cancels the call (not the job).</param>
    /// <returns>The handle to poll.</returns>
    /// <exception cref="SparkJobValidationException">The spec is invalid; every error is listed.</exception>
    public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        this.Validator.ThrowIfInvalid(spec, this.Backend.Name, this.Backend.SupportedKinds);
        SparkIdempotencyKey.ThrowIfInvalid(idempotencyKey);
        return this.Backend.StartJobAsync(spec, idempotencyKey, cancellationToken);
    }

    /// <summary>Reads a job's status.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        this.CheckBackend(handle);
        return this.Backend.GetStatusAsync(handle, cancellationToken);
    }

    /// <summary>Asks a job to stop.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status after the request.</returns>
    public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        this.CheckBackend(handle);
        return this.Backend.CancelJobAsync(handle, cancellationToken);
    }

    private void CheckBackend(SparkJobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!string.Equals(handle.Backend, this.Backend.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Job {handle.JobId} was submitted to the '{handle.Backend}' backend, but this host is configured for '{this.Backend.Name}'.");
        }
    }
}
