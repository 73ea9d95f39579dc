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
