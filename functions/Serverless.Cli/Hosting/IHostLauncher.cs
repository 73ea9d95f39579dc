namespace Serverless.Cli.Hosting;

/// <summary>Starts a host for commands given without <c>--url</c>, and the CLI stops it when the command ends.</summary>
/// <remarks>
/// The one seam between the CLI and how a local host is started: the CLI only talks HTTP to what this returns,
/// so re-pointing embedded mode at another host executable changes this implementation and nothing else.
/// </remarks>
public interface IHostLauncher
{
    /// <summary>Starts a host and waits until it answers its health endpoint.</summary>
    /// <param name="cancellationToken">Cancels the start (the half-started host is stopped).</param>
    /// <returns>The running host; dispose it to stop it.</returns>
    /// <exception cref="CliException">The host could not be found or did not become healthy.</exception>
    Task<LaunchedHost> StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a scratch host for a test run: storage of its own that nothing else uses and that is gone when it stops,
    /// the given DAG folder, no scheduler, the local Spark backend and the sample data in <see cref="ScratchHostRequest.Container"/>.
    /// </summary>
    /// <param name="request">What it serves.</param>
    /// <param name="cancellationToken">Cancels the start (what was started is stopped).</param>
    /// <returns>The running host; dispose it to stop it and its storage.</returns>
    /// <exception cref="CliException">The host or its storage could not be started.</exception>
    Task<LaunchedHost> StartScratchAsync(ScratchHostRequest request, CancellationToken cancellationToken = default);
}
