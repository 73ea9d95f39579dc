using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
namespace Serverless.Testing;

/// <summary>
/// The real local host (<c>Serverless.LocalHost.dll</c>) as a child process on a loopback port, so a test can
/// SIGKILL it and start it again with the same settings.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output;

    private LocalHostProcess(Process process, StringBuilder output)
    {
        this.process = process;
        this.output = output;
    }

    /// <summary>Gets what the process wrote so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (this.output)
            {
                return this.output.ToString();
            }
        }
    }

    /// <summary>Gets the process id (for /proc readings such as peak memory).</summary>
    public int ProcessId => this.process.Id;

    /// <summary>Gets a free loopback port.</summary>
    /// <returns>The port.</returns>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the host and waits until /api/health answers 200.</summary>
    /// <param name="hostDll">The local host's dll.</param>
    /// <param name="baseAddress">The address it listens on.</param>
    /// <param name="settings">Its settings (environment variables).</param>
    /// <param name="workingDirectory">Its working directory: a folder of the test's own, so no developer's local.settings.json is read.</param>
    /// <param name="log">Where its output goes; shared across restarts when given.</param>
    /// <returns>The running host.</returns>
    public static async Task<LocalHostProcess> StartAsync(string hostDll, Uri baseAddress, IReadOnlyDictionary<string, string> settings, string workingDirectory, StringBuilder? log = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        start.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var output = log ?? new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("The local host did not start.");
        var host = new LocalHostProcess(process, output);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Poll.UntilAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"The local host exited with {process.ExitCode}:\n{host.Output}");
                    }

                    try
                    {
                        return (await client.GetAsync(new Uri("api/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(90),
                "the local host to answer /api/health");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a machine dies.</summary>
    /// <returns>A task.</returns>
    public async Task KillAsync()
    {
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
            await this.process.WaitForExitAsync();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await this.KillAsync();
        this.process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (this.output)
        {
            this.output.AppendLine(line);
        }
    }
}
