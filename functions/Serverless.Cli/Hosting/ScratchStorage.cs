using System.Diagnostics;
using Serverless.Storage.Emulator;

namespace Serverless.Cli.Hosting;

/// <summary>
/// The storage of a scratch host: the repository's npm packages installed through its own script
/// (<c>scripts/ensure-npm.sh</c>, a no-op when <c>node_modules</c> matches <c>package-lock.json</c>), then an in-memory
/// Azurite from <c>node_modules</c> on ports the operating system picks.
/// </summary>
public static class ScratchStorage
{
    /// <summary>The repository script that installs the pinned npm packages (Azurite and the sample data).</summary>
    public const string EnsureNpmScript = "scripts/ensure-npm.sh";

    /// <summary>Installs what is missing and starts the emulator.</summary>
    /// <param name="workingDirectory">Where the CLI runs; the repository is looked for from there and from the CLI's own folder upward.</param>
    /// <param name="progress">Where to say what is installed (standard error).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it (its data is gone).</returns>
    /// <exception cref="CliException">Azurite is not installed and cannot be, or did not start.</exception>
    public static async Task<AzuriteProcess> StartAsync(string workingDirectory, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (FindRepository(workingDirectory) is { } repository)
        {
            await EnsureNpmAsync(repository, progress, cancellationToken).ConfigureAwait(false);
        }

        var script = AzuriteProcess.FindAzuriteScript(workingDirectory) ?? AzuriteProcess.FindAzuriteScript(AppContext.BaseDirectory)
            ?? throw new CliException($"Azurite is not installed (no node_modules/azurite above {workingDirectory}): run {EnsureNpmScript} (or npm ci) in the repository.");
        try
        {
            var azurite = await AzuriteProcess.StartAsync(script, cancellationToken).ConfigureAwait(false);
            await progress.WriteLineAsync(
                $"Started Azurite in memory for the test run: blob 127.0.0.1:{azurite.BlobPort}, queue 127.0.0.1:{azurite.QueuePort}, table 127.0.0.1:{azurite.TablePort}; it stops with the host.").ConfigureAwait(false);
            return azurite;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            throw new CliException($"Could not start Azurite for the test run: {e.Message}", e);
        }
    }

    /// <summary>Finds the repository root: the first folder from the start upward (then from the CLI's folder) that has <see cref="EnsureNpmScript"/>.</summary>
    /// <param name="start">Where to start.</param>
    /// <returns>The folder, or null outside a checkout.</returns>
    public static string? FindRepository(string start)
    {
        foreach (var from in new[] { start, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(from); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, EnsureNpmScript)))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    private static async Task EnsureNpmAsync(string repository, TextWriter progress, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(repository, EnsureNpmScript)])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repository,
        };
        using var process = Process.Start(start) ?? throw new CliException($"Could not run {EnsureNpmScript}.");

        // The script speaks only when it installs; pass that on, so a first run's wait is explained.
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var said = (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false));
        if (said.Length > 0)
        {
            await progress.WriteAsync(said).ConfigureAwait(false);
        }

        if (process.ExitCode != 0)
        {
            throw new CliException($"{EnsureNpmScript} failed (exit code {process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }
    }
}
