namespace Serverless.Cli.Hosting;

/// <summary>A host started for one CLI command: where it listens, its key, and the storage it uses.</summary>
public sealed class LaunchedHost : IAsyncDisposable
{
    private readonly Func<ValueTask> stop;
    private int stopped;

    /// <summary>Initializes a new instance of the <see cref="LaunchedHost"/> class.</summary>
    /// <param name="address">The host's base address, for example <c>http://127.0.0.1:49152</c>.</param>
    /// <param name="key">The API key the host was started with.</param>
    /// <param name="storageConnectionString">The storage the host uses, for output previews, or null when unknown.</param>
    /// <param name="stop">Stops the host; called once by <see cref="DisposeAsync"/>.</param>
    public LaunchedHost(Uri address, string key, string? storageConnectionString, Func<ValueTask> stop)
    {
        this.Address = address;
        this.Key = key;
        this.StorageConnectionString = storageConnectionString;
        this.stop = stop;
    }

    /// <summary>Gets the host's base address.</summary>
    public Uri Address { get; }

    /// <summary>Gets the API key.</summary>
    public string Key { get; }

    /// <summary>Gets the storage connection string the host uses, or null when unknown.</summary>
    public string? StorageConnectionString { get; }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref this.stopped, 1) == 0 ? this.stop() : ValueTask.CompletedTask;
}
