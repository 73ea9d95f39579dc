using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Templating;

namespace Serverless.Pipelines.Orchestration;

/// <summary>What <see cref="DagRunExecution"/> publishes: the custom status, the result and the run manifest.</summary>
internal sealed partial class DagRunExecution
{
    private void Changed()
    {
        this.statusDirty = true;
        this.PublishIfDirty();
    }

    private void PublishIfDirty()
    {
        // Serializing the status during replay would be thrown away; the first live step after a replay publishes.
        if (!this.statusDirty || this.context.IsReplaying || this.chunk)
        {
            return;
        }

        this.statusDirty = false;
        this.context.SetCustomStatus(this.BuildResult());
    }

    private DagRunResult BuildResult() => new()
    {
        DagId = this.dag.Id,
        RunId = this.input.RunId,
        State = this.runState,
        Error = this.runError,
        RerunOf = this.input.RerunOf,
        Manifest = this.manifestLocation,
        Deadline = this.deadline,
        DeadlineMissed = this.deadlineMissed,
        EndedAt = this.runEndedAt,
        Tasks = [.. this.nodes.Values.SelectMany(n => n.Instances)],
    };

    private RunIndexEntry BuildIndexEntry()
    {
        var instances = this.nodes.Values.SelectMany(n => n.Instances).ToList();
        var started = instances.Where(r => r.StartedAt is not null).Select(r => r.StartedAt!.Value).DefaultIfEmpty().Min();
        var finished = this.runState is DagRunState.Success or DagRunState.Failed;
        return new RunIndexEntry
        {
            RunId = this.input.RunId,
            DagId = this.dag.Id,
            LogicalDate = this.input.LogicalDate,
            State = this.runState,
            TriggeredBy = this.input.TriggeredBy,
            RerunOf = this.input.RerunOf,
            StartedAt = started == default ? null : Utc(started),
            EndedAt = finished ? Utc(this.context.CurrentUtcDateTime) : null,
            Error = this.runError,
            DeadlineMissed = this.deadlineMissed,
            Tasks = instances.Select(r => new RunIndexTask(r.TaskId, r.MapIndex, r.State, r.Attempts, Utc(r.StartedAt), Utc(r.EndedAt), r.Reused)).ToList(),
        };
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;

    private void StartManifestWriteIfDue()
    {
        if (!this.manifestDirty || this.manifestWrite is not null)
        {
            return;
        }

        this.manifestDirty = false;
        this.manifestWrite = this.context.CallActivityAsync<Dictionary<string, DataSize>>(nameof(WriteRunManifest), new WriteRunManifestInput(this.manifestLocation, this.BuildManifest(), this.BuildIndexEntry()));
    }

    private async Task CompleteManifestWriteAsync()
    {
        var write = this.manifestWrite!;
        this.manifestWrite = null;
        try
        {
            foreach (var (location, size) in await write)
            {
                this.sizes[location] = size;
            }
        }
        catch (TaskFailedException)
        {
            // The manifest is rewritten whole on the next change; one failed write loses nothing.
            this.manifestDirty = true;
        }
    }

    private JsonObject BuildManifest()
    {
        var tasks = new JsonArray();
        foreach (var node in this.nodes.Values)
        {
            foreach (var record in node.Instances)
            {
                var entry = new JsonObject
                {
                    ["taskId"] = record.TaskId,
                    ["kind"] = WireNames.Of(node.Task.Kind),
                    ["state"] = WireNames.Of(record.State),
                    ["attempts"] = record.Attempts,
                    ["definitionHash"] = this.compiled.TaskHashes.GetValueOrDefault(record.TaskId),
                };
                if (record.MapIndex is { } index)
                {
                    entry["mapIndex"] = index;
                }

                if (record.StartedAt is { } started)
                {
                    entry["startedAt"] = Format(started);
                }

                if (record.EndedAt is { } ended)
                {
                    entry["endedAt"] = Format(ended);
                    if (record.StartedAt is { } begun)
                    {
                        entry["durationMs"] = (long)(ended - begun).TotalMilliseconds;
                    }
                }

                if (record.AttemptStarts is { Count: > 0 } starts)
                {
                    entry["attemptStarts"] = new JsonArray([.. starts.Select(s => (JsonNode)Format(s))]);
                }

                if (record.JobId is not null)
                {
                    entry["jobId"] = record.JobId;
                    entry["backend"] = record.Backend;
                }

                if (record.Reused)
                {
                    entry["reused"] = true;
                }

                if (record.Error is not null)
                {
                    entry["error"] = record.Error;
                }

                if (record.RowsWritten is { } rows)
                {
                    entry["rowsWritten"] = rows;
                }

                if (record.Values is { Count: > 0 } values)
                {
                    entry["values"] = new JsonObject([.. values.Select(v => KeyValuePair.Create(v.Key, v.Value?.DeepClone()))]);
                }

                if (record.Followed is { } followed)
                {
                    entry["followed"] = new JsonArray([.. followed.Select(f => (JsonNode)f)]);
                }

                if (record.State == TaskInstanceState.Success)
                {
                    entry["inputs"] = this.LocationsJson(record.Inputs);
                    entry["outputs"] = this.LocationsJson(record.Outputs);
                    if (record.Outputs is { Count: 1 } && record.RowsWritten is { } outputRows && entry["outputs"] is JsonObject single)
                    {
                        ((JsonObject)single.First().Value!)["rows"] = outputRows;
                    }
                }

                tasks.Add(entry);
            }
        }

        return new JsonObject
        {
            ["dagId"] = this.dag.Id,
            ["runId"] = this.input.RunId,
            ["state"] = WireNames.Of(this.runState),
            ["logicalDate"] = TemplateRenderer.FormatDateTime(this.input.LogicalDate),
            ["dataIntervalStart"] = TemplateRenderer.FormatDateTime(this.input.DataIntervalStart),
            ["dataIntervalEnd"] = TemplateRenderer.FormatDateTime(this.input.DataIntervalEnd),
            ["params"] = this.input.Params.DeepClone(),
            ["rerunOf"] = this.input.RerunOf,
            ["definitionHash"] = this.compiled.Hash,
            ["error"] = this.runError,
            ["deadline"] = this.deadline is { } due ? Format(due) : null,
            ["deadlineMissed"] = this.deadlineMissed,
            ["writtenAt"] = Format(this.context.CurrentUtcDateTime),
            ["tasks"] = tasks,
        };
    }

    private JsonObject LocationsJson(Dictionary<string, string>? locations)
    {
        var json = new JsonObject();
        foreach (var (name, location) in locations ?? [])
        {
            var entry = new JsonObject { ["location"] = location };
            if (this.sizes.TryGetValue(location, out var size))
            {
                entry["bytes"] = size.Bytes;
                entry["files"] = size.Files;
            }

            json[name] = entry;
        }

        return json;
    }
}
