using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Runs.Tasks;
using Serverless.Spark.Data;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Durable activity: writes a run's manifest (its lineage) to Blob, first measuring the inputs and outputs that have
/// no size yet by listing their blobs, then records the run's state in the runs index. Returns the sizes it measured
/// so the orchestrator never lists a location twice.
/// </summary>
/// <remarks>Runs at least once and overwrites the whole manifest and index rows, so a repeat is harmless.</remarks>
public sealed class WriteRunManifest : TaskActivity<WriteRunManifestInput, Dictionary<string, DataSize>>
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly StorageAccount account;
    private readonly RunIndexStore index;
    private readonly RunTaskWriter records;
    private readonly RunTaskStore store;
    private static readonly Dictionary<string, DataSize> NoSizes = [];

    /// <summary>Initializes a new instance of the <see cref="WriteRunManifest"/> class.</summary>
    /// <param name="account">The storage account.</param>
    /// <param name="index">The runs index.</param>
    /// <param name="logger">The logger.</param>
    public WriteRunManifest(StorageAccount account, RunIndexStore index, ILogger<WriteRunManifest> logger)
    {
        this.account = account;
        this.index = index;
        this.store = new RunTaskStore(index);
        this.records = new RunTaskWriter(this.store, logger);
    }

    /// <inheritdoc/>
    public override async Task<Dictionary<string, DataSize>> RunAsync(TaskActivityContext context, WriteRunManifestInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var measured = new Dictionary<string, DataSize>(StringComparer.Ordinal);
        await this.records.WriteAsync(input.RunId, input.Records).ConfigureAwait(false);
        if (input is { Manifest: { } assembled, TaskKinds: { } kinds, RunId: { } runId })
        {
            // Every record reached the store before this write (the run sends the manifest with its last records).
            var entries = new JsonArray();
            foreach (var record in TaskRecordJson.DeserializeAll(await this.store.ReadAsync(runId, CancellationToken.None).ConfigureAwait(false)))
            {
                entries.Add(RunManifestEntries.Of(record, kinds.GetValueOrDefault(record.TaskId) ?? "unknown", input.TaskHashes?.GetValueOrDefault(record.TaskId), NoSizes));
            }

            assembled["tasks"] = entries;
        }

        if (input.Manifest?["tasks"] is JsonArray tasks)
        {
            foreach (var task in tasks.OfType<JsonObject>())
            {
                foreach (var group in new[] { "inputs", "outputs" })
                {
                    if (task[group] is not JsonObject entries)
                    {
                        continue;
                    }

                    foreach (var (_, node) in entries)
                    {
                        if (node is not JsonObject entry || entry.ContainsKey("bytes") || entry["location"]?.GetValue<string>() is not { } location)
                        {
                            continue;
                        }

                        if (!measured.TryGetValue(location, out var size))
                        {
                            size = await this.MeasureAsync(location, CancellationToken.None).ConfigureAwait(false);
                            measured[location] = size;
                        }

                        entry["bytes"] = size.Bytes;
                        entry["files"] = size.Files;
                    }
                }
            }
        }

        if (input.Manifest is { } manifest)
        {
            var target = DataLocation.Parse(input.Location);
            var blob = this.account.Blobs.GetBlobContainerClient(target.Container).GetBlobClient(target.Path);
            var bytes = Encoding.UTF8.GetBytes(manifest.ToJsonString(Indented));
            await blob.UploadAsync(new BinaryData(bytes), overwrite: true, CancellationToken.None).ConfigureAwait(false);
        }

        if (input.Index is { } run)
        {
            await this.index.RecordAsync(run, CancellationToken.None).ConfigureAwait(false);
        }

        return measured;
    }

    private async Task<DataSize> MeasureAsync(string text, CancellationToken cancellationToken)
    {
        if (!DataLocation.TryParse(text, null, out var location, out _))
        {
            return new DataSize(0, 0);
        }

        long bytes = 0;
        var files = 0;
        var container = this.account.Blobs.GetBlobContainerClient(location.Container);
        try
        {
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, location.Path, cancellationToken).ConfigureAwait(false))
            {
                // A file location also matches longer names with the same prefix; count the exact blob only.
                if (!location.IsFolder && !string.Equals(item.Name, location.Path, StringComparison.Ordinal))
                {
                    continue;
                }

                // Spark's markers (_SUCCESS, _committed_…) and hidden files (.crc) are not data files.
                var name = item.Name[(item.Name.LastIndexOf('/') + 1)..];
                if (location.IsFolder && (name.StartsWith('_') || name.StartsWith('.')))
                {
                    continue;
                }

                bytes += item.Properties.ContentLength ?? 0;
                files++;
            }
        }
        catch (Azure.RequestFailedException error) when (error.Status == 404)
        {
            return new DataSize(0, 0);
        }

        return new DataSize(bytes, files);
    }
}
