using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Serverless.Testing;

namespace Serverless.Dashboard.Tests.Support;

/// <summary>
/// The real Functions executable, standalone, on a free loopback port, against the fixture's Azurite, with its own
/// task hub, an API key set in configuration and a DAG folder of the test's choosing.
/// </summary>
internal sealed class FunctionsProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private FunctionsProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        this.BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

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

    public static async Task<FunctionsProcess> StartAsync(string connectionString, string apiKey, string dagFolder, string dataContainer)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet")
        {
            // A working folder of its own: no local.settings.json from the developer's checkout is picked up.
            WorkingDirectory = dagFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryPaths.FunctionsAssembly);
        var env = start.Environment;
        env["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        env["AzureWebJobsStorage"] = connectionString;
        env["Serverless__ApiKey"] = apiKey;
        env["Serverless__TaskHub"] = AzuriteFixture.UniqueName("dash");
        env["Serverless__DagFolder"] = dagFolder;
        env["Serverless__Durable__MaxQueuePollingInterval"] = "00:00:00.200";
        env["Serverless__Durable__PartitionCount"] = "1";
        env["Spark__DataContainer"] = dataContainer;
        env["Logging__LogLevel__Default"] = "Warning";

        var process = Process.Start(start) ?? throw new InvalidOperationException("The Functions executable did not start.");
        var host = new FunctionsProcess(process, baseAddress);
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
                        throw new InvalidOperationException($"The Functions executable exited with {process.ExitCode}:\n{host.Output}");
                    }

                    try
                    {
                        return (await client.GetAsync(new Uri("api/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(60),
                "the Functions host to answer /api/health");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
            await this.process.WaitForExitAsync();
        }

        this.process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
