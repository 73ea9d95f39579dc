using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Serverless.Cli.Hosting;

/// <summary>
/// Starts the standalone host as a child process (<c>dotnet Serverless.LocalHost.dll</c>, the local host) on a free loopback port with a
/// generated API key, waits for <c>/api/health</c>, and stops it with SIGTERM when the command ends.
/// </summary>
/// <remarks>
/// The host dll is <c>SERVERLESS_HOST_DLL</c> when set, else <c>Serverless.LocalHost.dll</c> next to the CLI, else the
/// sibling project's build output in a repository checkout (<c>functions/Serverless.LocalHost/bin/{configuration}/{tfm}/</c>).
/// The child is a standalone host as <c>./run.sh</c> starts it: it starts Azurite when nothing listens on the emulator
/// ports and uploads the sample data (<c>Serverless__UploadSampleData</c>; the former in-process host skipped it, which
/// is why the README's first <c>run</c> once found no data on fresh storage). Its scheduler stays on, as that of the
/// user's own host would be; a host started for one command rarely lives to its first tick.
/// A scratch host (<see cref="StartScratchAsync"/>, for <c>dags test</c> and <c>tasks test</c>) has storage of its own
/// instead: an in-memory Azurite on free ports that stops with it, so nothing needs to run beforehand and nothing the
/// user runs (a host on 7071, an emulator on 10000-10002) is touched.
/// </remarks>
public sealed class LocalHostLauncher : IHostLauncher
{
    /// <summary>The environment variable that names the host dll to start.</summary>
    public const string HostDllVariable = "SERVERLESS_HOST_DLL";

    /// <summary>The host dll's file name looked for next to the CLI.</summary>
    public const string HostDllName = "Serverless.LocalHost.dll";

    private readonly Func<string, string?> environment;
    private readonly TextWriter progress;
    private readonly TimeSpan startTimeout;
    private readonly string workingDirectory;

    /// <summary>Initializes a new instance of the <see cref="LocalHostLauncher"/> class.</summary>
    /// <param name="environment">Reads an environment variable (the process environment, or a test's dictionary).</param>
    /// <param name="progress">Where to say what was started (standard error, so standard output stays the command's).</param>
    /// <param name="startTimeout">How long the host may take to become healthy. The default is 2 minutes (a first start may start Azurite and upload the samples).</param>
    /// <param name="workingDirectory">The host's working directory, where it reads <c>local.settings.json</c>. The default is the CLI's current directory.</param>
    public LocalHostLauncher(Func<string, string?> environment, TextWriter progress, TimeSpan? startTimeout = null, string? workingDirectory = null)
    {
        this.workingDirectory = workingDirectory ?? Directory.GetCurrentDirectory();
        this.environment = environment ?? throw new ArgumentNullException(nameof(environment));
        this.progress = progress ?? throw new ArgumentNullException(nameof(progress));
        this.startTimeout = startTimeout ?? TimeSpan.FromMinutes(2);
    }

    /// <summary>Finds the host dll to start.</summary>
    /// <returns>Its full path.</returns>
    /// <exception cref="CliException">No host dll was found.</exception>
    public string FindHostDll()
    {
        if (this.environment(HostDllVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new CliException($"{HostDllVariable} is '{configured}', which does not exist.");
        }

        var here = AppContext.BaseDirectory;
        var candidates = new List<string> { Path.Combine(here, HostDllName) };

        // In a checkout the CLI runs from functions/Serverless.Cli/bin/{configuration}/{tfm}/: the host's build output
        // is the same path under the sibling project, so "dotnet build" of both is enough to use embedded mode.
        var tfm = new DirectoryInfo(here.TrimEnd(Path.DirectorySeparatorChar));
        if (tfm.Parent is { } configuration && configuration.Parent is { Name: "bin" } bin && bin.Parent is { } project && project.Parent is { } functions)
        {
            candidates.Add(Path.Combine(functions.FullName, "Serverless.LocalHost", "bin", configuration.Name, tfm.Name, HostDllName));
        }

        return candidates.FirstOrDefault(File.Exists)
            ?? throw new CliException(
                $"No host to start: {HostDllName} is not at {string.Join(" or ", candidates)}. " +
                $"Build it (dotnet build functions/Serverless.LocalHost -c Release), set {HostDllVariable}, or pass --url of a running host.");
    }

    /// <inheritdoc/>
    public Task<LaunchedHost> StartAsync(CancellationToken cancellationToken = default)
    {
        // The storage setting of the CLI's environment is the child's too, even where that environment is not the
        // process's (a test's, an embedding program's): the host runs on the account the CLI previews from.
        var settings = new Dictionary<string, string>();
        if (this.environment(StandaloneHostStorage.SettingName) is { Length: > 0 } storage)
        {
            settings[StandaloneHostStorage.SettingName] = storage;
        }

        return this.StartChildAsync(this.FindHostDll(), settings, this.workingDirectory, null, null, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<LaunchedHost> StartScratchAsync(ScratchHostRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var dll = this.FindHostDll();
        var storage = await ScratchStorage.StartAsync(this.workingDirectory, this.progress, cancellationToken).ConfigureAwait(false);
        try
        {
            var settings = new Dictionary<string, string>
            {
                [StandaloneHostStorage.SettingName] = storage.ConnectionString,
                ["Serverless__DagFolder"] = request.DagFolder,
                ["Serverless__Scheduler"] = "false",
                ["Serverless__UploadSampleData"] = "true",
                ["Spark__Backend"] = "local",
                ["Spark__DataContainer"] = ScratchHostRequest.Container,
            };

            // The DAG folder is the host's working directory too, so no local.settings.json of the user's (another
            // backend, another storage account) applies to a test run.
            return await this.StartChildAsync(dll, settings, request.DagFolder, storage.ConnectionString, storage.DisposeAsync, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await storage.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<LaunchedHost> StartChildAsync(
        string dll, IReadOnlyDictionary<string, string> settings, string workingDirectory, string? storageConnectionString, Func<ValueTask>? afterStop, CancellationToken cancellationToken)
    {
        var port = FreePort().ToString(CultureInfo.InvariantCulture);
        var address = new Uri($"http://127.0.0.1:{port}");
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

        // One log per host: a process may start several (tests do), and a failed start keeps its log for the reader.
        var logFile = Path.Combine(Path.GetTempPath(), $"serverless-cli-host-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{port}.log");
        var start = new ProcessStartInfo(DotnetExecutable(), [dll])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        start.Environment["Serverless__ApiKey"] = key;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var log = new StreamWriter(logFile) { AutoFlush = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new CliException($"Could not start '{start.FileName} {dll}'.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            await log.DisposeAsync().ConfigureAwait(false);
            throw new CliException($"Could not start '{start.FileName} {dll}': {e.Message}", e);
        }

        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.WriteLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var failed = true;
        try
        {
            await this.WaitUntilHealthyAsync(process, address, key, logFile, cancellationToken).ConfigureAwait(false);
            failed = false;
        }
        finally
        {
            if (failed)
            {
                await StopAsync(process, log).ConfigureAwait(false);
            }
        }

        var storage = storageConnectionString ?? StandaloneHostStorage.Find(process.Id, this.environment, workingDirectory);
        await this.progress.WriteLineAsync($"Started a local host on {address} (log: {logFile}); it stops when the command ends.").ConfigureAwait(false);
        return new LaunchedHost(address, key, storage, async () =>
        {
            await StopAsync(process, log).ConfigureAwait(false);
            if (afterStop is not null)
            {
                await afterStop().ConfigureAwait(false);
            }

            File.Delete(logFile);
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string DotnetExecutable()
    {
        // Run under the same muxer as the CLI when it was started with "dotnet Serverless.Cli.dll"; else from PATH.
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? current : "dotnet";
    }

    private static async Task StopAsync(Process process, StreamWriter log)
    {
        try
        {
            if (!process.HasExited)
            {
                // SIGTERM lets the host stop its Azurite and delete its files; Kill would orphan the emulator.
                if (!OperatingSystem.IsWindows() && NativeMethods.Kill(process.Id, NativeMethods.SigTerm) == 0)
                {
                    using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    try
                    {
                        await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // It did not stop in time: fall through to the hard kill.
                    }
                }

                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            process.Dispose();
            lock (log)
            {
                log.Dispose();
            }
        }
    }

    private static string Tail(string logFile)
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', lines.TakeLast(20));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private async Task WaitUntilHealthyAsync(Process process, Uri address, string key, string logFile, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Add(Http.ApiClient.KeyHeaderName, key);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new CliException($"The local host exited during start (exit code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}); its log ({logFile}) ends with:\n{Tail(logFile)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("api/health", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A request timed out while the host was busy starting; ask again.
            }

            if (clock.Elapsed > this.startTimeout)
            {
                throw new CliException($"The local host did not become healthy within {this.startTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s; its log ({logFile}) ends with:\n{Tail(logFile)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }
}
