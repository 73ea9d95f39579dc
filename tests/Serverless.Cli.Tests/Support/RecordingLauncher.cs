using Serverless.Cli.Hosting;

namespace Serverless.Cli.Tests.Support;

/// <summary>A launcher that "starts" a fake host (or refuses, when it has none) and counts starts and stops.</summary>
/// <param name="target">The fake host it hands out, or null to fail every start.</param>
public sealed class RecordingLauncher(FakeHost? target = null) : IHostLauncher
{
    private int starts;
    private int stops;

    /// <summary>Gets how many hosts were started.</summary>
    public int Starts => this.starts;

    /// <summary>Gets how many hosts were stopped.</summary>
    public int Stops => this.stops;

    /// <summary>Gets the DAG files each scratch host was asked to serve, read when it was started.</summary>
    public List<IReadOnlyDictionary<string, string>> ScratchDags { get; } = [];

    /// <inheritdoc/>
    public Task<LaunchedHost> StartScratchAsync(ScratchHostRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (this.ScratchDags)
        {
            this.ScratchDags.Add(Directory.EnumerateFiles(request.DagFolder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText));
        }

        return this.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public Task<LaunchedHost> StartAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref this.starts);
        if (target is null)
        {
            throw new InvalidOperationException("This test must not start a host.");
        }

        return Task.FromResult(new LaunchedHost(target.Address, target.Key ?? string.Empty, null, () =>
        {
            Interlocked.Increment(ref this.stops);
            return ValueTask.CompletedTask;
        }));
    }
}
