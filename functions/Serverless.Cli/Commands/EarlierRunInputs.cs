using System.Text.Json.Nodes;
using Serverless.Cli.Hosting;
using Serverless.Cli.Output;
using Serverless.Pipelines.Definitions;
using Serverless.Storage.Connection;

namespace Serverless.Cli.Commands;

/// <summary>
/// The upstream outputs a tested task reads, taken from an earlier successful run of a host (<c>--run</c>, else the
/// DAG's latest successful run): the task runs alone, its <c>from</c> inputs pointed at copies of those outputs in the
/// scratch host's storage, so the earlier run's folder is only read, never written.
/// </summary>
public sealed class EarlierRunInputs
{
    /// <summary>The folder of the scratch container the copies go to: <c>upstream/{task}/{output}/</c>.</summary>
    public const string Folder = "upstream";

    // Bounds on what one test copies, so a huge upstream table fails clearly instead of filling the disk.
    private const int MaxBlobs = 10_000;
    private const long MaxBytes = 4L * 1024 * 1024 * 1024;

    private readonly StorageAccount source;
    private readonly IReadOnlyList<(string Location, string Prefix)> copies;

    private EarlierRunInputs(string runId, DagDefinition dag, StorageAccount source, IReadOnlyList<(string Location, string Prefix)> copies)
    {
        this.RunId = runId;
        this.Dag = dag;
        this.source = source;
        this.copies = copies;
    }

    /// <summary>Gets the earlier run the outputs come from.</summary>
    public string RunId { get; }

    /// <summary>Gets the DAG to run: the tested task alone, its upstream inputs read from the copies.</summary>
    public DagDefinition Dag { get; }

    /// <summary>Finds the earlier run on the host the options name and plans the copies; null when the CLI should run the upstream tasks itself.</summary>
    /// <param name="runner">The command runner (environment and host options).</param>
    /// <param name="parse">The parse result (<c>--url</c>, <c>--key</c>).</param>
    /// <param name="runOption">The <c>--run</c> value, or null for the latest successful run.</param>
    /// <param name="dag">The whole DAG.</param>
    /// <param name="taskId">The tested task.</param>
    /// <param name="output">Where to say what was found.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The plan, or null (no host configured, the task has no upstream, or no usable run and none was named).</returns>
    /// <exception cref="CliException">The named run cannot be used.</exception>
    public static async Task<EarlierRunInputs?> FindAsync(
        CommandRunner runner, System.CommandLine.ParseResult parse, string? runOption, DagDefinition dag, string taskId, CliOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(dag);
        ArgumentNullException.ThrowIfNull(output);
        var task = dag.FindTask(taskId)!;
        var hasHost = !string.IsNullOrWhiteSpace(parse.GetValue(runner.HostOptions.Url)) || !string.IsNullOrWhiteSpace(runner.Environment.Variables(HostOptions.UrlVariable));
        if (!hasHost)
        {
            return runOption is null ? null : throw new CliException($"--run {runOption} names a run of a host: give that host's --url (or {HostOptions.UrlVariable}).");
        }

        if (task.Inputs.All(i => i.FromTask is null) && new DagGraph(dag).UpstreamOf(taskId).Count == 0)
        {
            return null;
        }

        // Only reads: the host's runs and, through AzureWebJobsStorage, the outputs the task needs.
        await using var session = await HostSession.OpenAsync(runner.Environment, runner.HostOptions, parse, cancellationToken).ConfigureAwait(false);
        var runId = runOption ?? await LatestSuccessAsync(session, dag.Id, cancellationToken).ConfigureAwait(false);
        if (runId is null)
        {
            await output.Error.WriteLineAsync($"No successful run of '{dag.Id}' on {session.Api.BaseAddress}: its upstream tasks run first, into scratch.").ConfigureAwait(false);
            return null;
        }

        var (_, run) = await session.Api.SendAsync(HttpMethod.Get, $"api/runs/{Uri.EscapeDataString(runId)}", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (run?["dagId"]?.ToString() != dag.Id)
        {
            throw new CliException($"Run '{runId}' is a run of '{run?["dagId"]}', not of '{dag.Id}'.");
        }

        var storage = session.Storage ?? throw new CliException(
            $"The outputs of run '{runId}' are in the host's storage: set {StandaloneHostStorage.SettingName} to its connection string so they can be read (or omit --url and --run to run the upstream tasks first).");
        var inputs = new List<TaskInput>();
        var copies = new List<(string Location, string Prefix)>();
        foreach (var input in task.Inputs)
        {
            if (input.FromTask is not { } from)
            {
                inputs.Add(input);
                continue;
            }

            var upstream = RunTable.Tasks(run).Where(t => t["id"]?.ToString() == from).ToList();
            var location = upstream is [{ } single] && single["state"]?.ToString() == RunStates.Success ? single["outputs"]?[input.FromOutput!]?.ToString() : null;
            if (location is null)
            {
                throw new CliException($"Run '{runId}' has no output '{input.From}' to give input '{input.Name}' (task '{from}' did not succeed once there, or is mapped); name another run with --run, or omit --url to run the upstream tasks first.");
            }

            var prefix = $"{Folder}/{from}/{input.FromOutput}/";
            copies.Add((location, prefix));
            inputs.Add(input with
            {
                From = null,
                Container = ScratchHostRequest.Container,
                Path = prefix,
                Format = input.Format ?? dag.FindTask(from)?.FindOutput(input.FromOutput!)?.Format ?? DataFormat.Parquet,
            });
        }

        var alone = task with { Inputs = inputs, DependsOn = [] };
        await output.Error.WriteLineAsync($"Upstream outputs from run {runId} ({string.Join(", ", copies.Select(c => c.Location))}), copied into scratch; only '{taskId}' runs.").ConfigureAwait(false);
        return new EarlierRunInputs(runId, dag with { Tasks = [alone] }, storage, copies);
    }

    /// <summary>Copies the upstream outputs into the scratch host's storage.</summary>
    /// <param name="scratch">The scratch host's session.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>A task that completes when every blob is copied.</returns>
    /// <exception cref="CliException">An output is missing or too large to copy.</exception>
    public async Task CopyAsync(HostSession scratch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        var target = scratch.Storage?.Blobs.GetBlobContainerClient(ScratchHostRequest.Container) ?? throw new CliException("The scratch host's storage is unknown.");
        await target.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var (blobs, bytes) = (0, 0L);
        foreach (var (location, prefix) in this.copies)
        {
            var slash = location.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0)
            {
                throw new CliException($"'{location}' is not a container/path location.");
            }

            var container = this.source.Blobs.GetBlobContainerClient(location[..slash]);
            var from = location[(slash + 1)..];
            var copied = 0;
            await foreach (var item in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, from, cancellationToken).ConfigureAwait(false))
            {
                blobs++;
                bytes += item.Properties.ContentLength ?? 0;
                if (blobs > MaxBlobs || bytes > MaxBytes)
                {
                    throw new CliException($"The upstream outputs of run {this.RunId} are over {MaxBlobs} files or {MaxBytes / (1024 * 1024 * 1024)} GB: too much to copy for a test; omit --url to run the upstream tasks first.");
                }

                var name = prefix + item.Name[from.Length..].TrimStart('/');
                var download = await container.GetBlobClient(item.Name).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                await using (download.Value.Content.ConfigureAwait(false))
                {
                    await target.GetBlobClient(name).UploadAsync(download.Value.Content, overwrite: true, cancellationToken).ConfigureAwait(false);
                }

                copied++;
            }

            if (copied == 0)
            {
                throw new CliException($"Run {this.RunId}'s output '{location}' has no files (purged?); name another run with --run, or omit --url to run the upstream tasks first.");
            }
        }
    }

    private static async Task<string?> LatestSuccessAsync(HostSession session, string dagId, CancellationToken cancellationToken)
    {
        var (_, page) = await session.Api.SendAsync(HttpMethod.Get, $"api/runs?dag={Uri.EscapeDataString(dagId)}&state=success&pageSize=50", cancellationToken: cancellationToken).ConfigureAwait(false);
        return (page?["runs"] as JsonArray ?? []).OfType<JsonNode>()
            .OrderByDescending(r => r["createdAt"]?.GetValue<DateTimeOffset>())
            .Select(r => r["runId"]?.ToString())
            .FirstOrDefault(id => id is not null);
    }
}
