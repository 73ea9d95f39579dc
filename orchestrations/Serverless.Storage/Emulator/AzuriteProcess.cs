using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Serverless.Storage.Emulator;

/// <summary>
/// An Azurite storage emulator child process, in memory, on ports the operating system picks
/// (Azurite is started with port 0 and prints the ports it bound), so it never collides with
/// another Azurite or anything else listening on the default ports 10000–10002.
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The well-known Azurite account key (public; it only works against the emulator).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The well-known Azurite account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    private readonly Process process;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        this.BlobPort = blobPort;
        this.QueuePort = queuePort;
        this.TablePort = tablePort;
    }

    /// <summary>Gets the blob service port.</summary>
    public int BlobPort { get; }

    /// <summary>Gets the queue service port.</summary>
    public int QueuePort { get; }

    /// <summary>Gets the table service port.</summary>
    public int TablePort { get; }

    /// <summary>Gets the process id.</summary>
    public int ProcessId => this.process.Id;

    /// <summary>Gets a connection string for this emulator.</summary>
    public string ConnectionString => CreateConnectionString(this.BlobPort, this.QueuePort, this.TablePort);

    /// <summary>Builds the connection string for an Azurite listening on the given loopback ports.</summary>
    /// <param name="blobPort">Blob port.</param>
    /// <param name="queuePort">Queue port.</param>
    /// <param name="tablePort">Table port.</param>
    /// <returns>The connection string.</returns>
    public static string CreateConnectionString(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={DevelopmentAccountName};AccountKey={DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{DevelopmentAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{DevelopmentAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{DevelopmentAccountName};";

    /// <summary>
    /// Finds <c>node_modules/azurite</c> in the given directory or any parent of it.
    /// </summary>
    /// <param name="startDirectory">Where to start looking; the current directory when null.</param>
    /// <returns>The path of Azurite's entry script, or null when it is not installed.</returns>
    public static string? FindAzuriteScript(string? startDirectory = null)
    {
        for (DirectoryInfo? dir = new(startDirectory ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "node_modules", "azurite", "dist", "src", "azurite.js");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Starts Azurite in memory on free loopback ports and waits until all three services listen.</summary>
    /// <param name="azuriteScript">Path to <c>azurite.js</c>; found from the current directory upward when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The running emulator.</returns>
    /// <exception cref="InvalidOperationException">Azurite is not installed or did not start.</exception>
    public static Task<AzuriteProcess> StartAsync(string? azuriteScript = null, CancellationToken cancellationToken = default) =>
        StartOnPortsAsync(0, 0, 0, azuriteScript, cancellationToken);

    /// <summary>Starts an in-memory Azurite on the given ports (0 picks a free one), for example again on the ports of one that stopped.</summary>
    /// <param name="blobPort">The blob port.</param>
    /// <param name="queuePort">The queue port.</param>
    /// <param name="tablePort">The table port.</param>
    /// <param name="azuriteScript">Path to <c>azurite.js</c>; found from the current directory upward when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<AzuriteProcess> StartOnPortsAsync(int blobPort, int queuePort, int tablePort, string? azuriteScript = null, CancellationToken cancellationToken = default)
    {
        azuriteScript ??= FindAzuriteScript() ?? FindAzuriteScript(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("Azurite is not installed: run 'npm ci' in the repository root (node_modules/azurite was not found).");

        var startInfo = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string arg in new[]
        {
            azuriteScript,
            "--blobPort", blobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queuePort", queuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tablePort", tablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent",
        })
        {
            startInfo.ArgumentList.Add(arg);
        }

        Process process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        void OnLine(string? line)
        {
            if (line is null)
            {
                ready.TrySetException(new InvalidOperationException($"Azurite exited before it was ready. Output:\n{output}"));
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
                Match match = ListeningLine().Match(line);
                if (match.Success)
                {
                    ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    if (ports.Count == 3)
                    {
                        ready.TrySetResult();
                    }
                }
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }

        return new AzuriteProcess(process, ports["Blob"], ports["Queue"], ports["Table"]);
    }

    /// <summary>Stops the emulator; its in-memory data is gone.</summary>
    /// <returns>A task that completes when the process has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        Kill(this.process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await this.process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The kill was sent; a process that will not exit in 10 s is left to the OS.
        }

        this.process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
