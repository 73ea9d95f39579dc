using Serverless.Spark.Jobs;

namespace Serverless.Spark.Backends;

/// <summary>
/// A backend reached through a named connection (<c>Serverless:Connections</c>): the job handles it returns carry the
/// connection name, so status and cancel go back through the same connection, not the app's backend of that kind.
/// </summary>
internal sealed class SparkConnectionBackend(string name, ISparkBackend inner) : ISparkBackend, ISparkJobStatusProbe, IAsyncDisposable
{
    /// <summary>Gets the connection name.</summary>
    public string Name { get; } = name;

    /// <summary>Gets the backend the connection uses.</summary>
    public ISparkBackend Inner { get; } = inner;

    /// <inheritdoc/>
    public IReadOnlyCollection<SparkJobKind> SupportedKinds => this.Inner.SupportedKinds;

    /// <inheritdoc/>
    public async Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        SparkJobHandle handle = await this.Inner.StartJobAsync(spec, idempotencyKey, cancellationToken).ConfigureAwait(false);
        return handle with { Backend = this.Name };
    }

    /// <inheritdoc/>
    public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
        this.Inner.GetStatusAsync(this.InnerHandle(handle), cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> IsRunningAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
        this.Inner is ISparkJobStatusProbe probe && await probe.IsRunningAsync(this.InnerHandle(handle), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
        this.Inner.CancelJobAsync(this.InnerHandle(handle), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (this.Inner is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }

    private SparkJobHandle InnerHandle(SparkJobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle with { Backend = this.Inner.Name };
    }
}
