namespace Serverless.Spark.Hosting;

/// <summary>
/// Backends other than the default, created on first use when a job names one; owned here so the container
/// disposes them (a local backend stops its jobs) with the host.
/// </summary>
internal sealed class OtherSparkBackends(IServiceProvider services) : IAsyncDisposable, IDisposable
{
    private readonly List<Backends.ISparkBackend> created = [];

    /// <summary>Creates a backend by name.</summary>
    /// <param name="name">The backend name.</param>
    /// <returns>The backend.</returns>
    public Backends.ISparkBackend Create(string name)
    {
        Backends.ISparkBackend backend = SparkServiceCollectionExtensions.CreateBackend(services, name);
        lock (this.created)
        {
            this.created.Add(backend);
        }

        return backend;
    }

    /// <inheritdoc/>
    public void Dispose() => this.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable disposable in this.created.OfType<IAsyncDisposable>())
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }
}
