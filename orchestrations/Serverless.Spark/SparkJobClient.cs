using System.Collections.Concurrent;
using Serverless.Spark.Backends;
using Serverless.Spark.Jobs;

namespace Serverless.Spark;

/// <summary>
/// The entry point for submitting Spark jobs: validates a spec against the configured backend (every error at once),
/// then submits, reads status or cancels through it. Thread-safe; register one per process.
/// </summary>
public sealed class SparkJobClient
{
    private readonly Func<string, ISparkBackend>? otherBackends;
    private readonly ISparkTextRedactor? redactor;
    private readonly ConcurrentDictionary<string, ISparkBackend> backends = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="SparkJobClient"/> class.</summary>
    /// <param name="backend">The backend jobs run on.</param>
    /// <param name="validator">The spec validator (data container and account of this deployment).</param>
    public SparkJobClient(ISparkBackend backend, SparkJobSpecValidator validator)
        : this(backend, validator, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SparkJobClient"/> class that can also use other backends by name.</summary>
    /// <param name="backend">The default backend.</param>
    /// <param name="validator">The spec validator.</param>
    /// <param name="otherBackends">Creates another backend by name on first use (throws when it is not configured); null for none.</param>
    public SparkJobClient(ISparkBackend backend, SparkJobSpecValidator validator, Func<string, ISparkBackend>? otherBackends)
        : this(backend, validator, otherBackends, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SparkJobClient"/> class that masks secrets in the status messages it returns.</summary>
    /// <param name="backend">The default backend.</param>
    /// <param name="validator">The spec validator.</param>
    /// <param name="otherBackends">Creates another backend (or a connection's) by name on first use; null for none.</param>
    /// <param name="redactor">Masks secrets in status messages, or <see langword="null"/>.</param>
    public SparkJobClient(ISparkBackend backend, SparkJobSpecValidator validator, Func<string, ISparkBackend>? otherBackends, ISparkTextRedactor? redactor)
    {
        this.redactor = redactor;
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(validator);
        this.Backend = backend;
        this.Validator = validator;
        this.otherBackends = otherBackends;
        this.backends[backend.Name] = backend;
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
    public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default) =>
        this.StartJobAsync(spec, idempotencyKey, null, cancellationToken);

    /// <summary>Validates and submits a job to a named backend (null for the default).</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="idempotencyKey">The key (see <see cref="SparkIdempotencyKey"/>).</param>
    /// <param name="backend">The backend name (<c>local</c>, <c>livy</c>, <c>synapse</c>, <c>databricks</c>), or null for the default.</param>
    /// <param name="cancellationToken">Cancels the call (not the job).</param>
    /// <returns>The handle to poll; it names the backend, so status and cancel go to the same one.</returns>
    /// <exception cref="SparkJobValidationException">The spec is invalid; every error is listed.</exception>
    public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, string? backend, CancellationToken cancellationToken = default)
    {
        ISparkBackend target = this.Resolve(backend);
        this.Validator.ThrowIfInvalid(spec, target is SparkConnectionBackend connection ? connection.Inner.Name : target.Name, target.SupportedKinds);
        SparkIdempotencyKey.ThrowIfInvalid(idempotencyKey);
        return target.StartJobAsync(spec, idempotencyKey, cancellationToken);
    }

    /// <summary>Reads a job's status.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    public async Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return this.Redact(await this.Resolve(handle.Backend).GetStatusAsync(handle, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Reads a job's status for a frequent poller: where the backend can tell from the cluster alone that the job
    /// still runs (<see cref="ISparkJobStatusProbe"/>), that costs one cluster request and no storage transaction, and
    /// the full status is read only once it looks ended.
    /// </summary>
    /// <param name="handle">The handle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status; <see langword="null"/> while the backend's probe says the job runs.</returns>
    public async Task<SparkJobStatus?> GetStatusUnlessRunningAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (this.Resolve(handle.Backend) is ISparkJobStatusProbe probe && await probe.IsRunningAsync(handle, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return await this.GetStatusAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks a job to stop.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status after the request.</returns>
    public async Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return this.Redact(await this.Resolve(handle.Backend).CancelJobAsync(handle, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Asks the job's backend to tell when the job ends, where it can (see <see cref="ISparkJobCompletionSource"/>).</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="ended">Called once with the final status.</param>
    /// <returns>True when <paramref name="ended"/> will be called; false when the job's end must be polled.</returns>
    public bool WatchCompletion(SparkJobHandle handle, Func<SparkJobStatus, Task> ended)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return this.Resolve(handle.Backend) is ISparkJobCompletionSource source && source.WatchCompletion(handle, status => ended(this.Redact(status)));
    }

    // Everything a backend reports in words may quote the job's text (its SQL, its arguments), secrets included.
    private SparkJobStatus Redact(SparkJobStatus status) => this.redactor is not { } redactor ? status : status with
    {
        Message = redactor.Redact(status.Message),
        Error = redactor.Redact(status.Error),
        ErrorTrace = redactor.Redact(status.ErrorTrace),
        LogTail = [.. status.LogTail.Select(line => redactor.Redact(line) ?? string.Empty)],
    };

    private ISparkBackend Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return this.Backend;
        }

        if (this.backends.TryGetValue(name, out ISparkBackend? known))
        {
            return known;
        }

        if (this.otherBackends is null)
        {
            throw new InvalidOperationException($"The '{name}' backend is not available: this host runs jobs on '{this.Backend.Name}'.");
        }

        return this.backends.GetOrAdd(name.Trim().ToLowerInvariant(), this.otherBackends);
    }
}
