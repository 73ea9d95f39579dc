using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Runs.Tasks;
using Serverless.Pipelines.Templating;

namespace Serverless.Pipelines.Orchestration;

/// <summary>What <see cref="DagRunExecution"/> publishes: the custom status, the result and the run manifest.</summary>
internal sealed partial class DagRunExecution
{
    /// <summary>The most task instances of a run whose manifest is rewritten as its tasks finish.</summary>
    private const int MaxInstancesRewritten = 100;

    /// <summary>Notes a change that may touch any record (or only the run): the next take for the task store looks at every record.</summary>
    private void Changed()
    {
        this.dirtyAll = true;
        this.Changed([]);
    }

    /// <summary>Notes a change of one record (and the run's counts).</summary>
    private void Changed(TaskInstanceRecord record) => this.Changed([record]);

    /// <summary>Notes a change of these records (and the run's counts).</summary>
    private void Changed(IEnumerable<TaskInstanceRecord> records)
    {
        foreach (var record in records)
        {
            if (this.dirtySet.Add(record))
            {
                this.dirtyRecords.Add(record);
            }
        }

        this.statusDirty = true;
        this.recordsChanged = true;
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
        this.context.SetCustomStatus(this.BuildStatus());
    }

    /// <summary>The custom status: O(1) in the DAG's size (the task records go to the run's task store).</summary>
    private DagRunResult BuildStatus()
    {
        if (!this.input.StoresTaskRecords)
        {
            return this.BuildResult();
        }

        var byState = new int[Enum.GetValues<TaskInstanceState>().Max(s => (int)s) + 1];
        foreach (var node in this.byOrder)
        {
            foreach (var record in node.Instances)
            {
                byState[(int)record.State]++;
            }
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var state in Enum.GetValues<TaskInstanceState>())
        {
            if (byState[(int)state] > 0)
            {
                counts[WireNames.Of(state)] = byState[(int)state];
            }
        }

        var status = this.BuildResult(withTasks: false);
        status.TaskCounts = counts;
        return status;
    }

    private DagRunResult BuildResult(bool withTasks = true) => new()
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
        Tasks = withTasks ? [.. this.byOrder.SelectMany(n => n.Instances)] : [],
        TasksStored = this.input.StoresTaskRecords,
    };

    /// <summary>
    /// Takes the task records that changed since they were last taken, in order of change, for an activity the run
    /// calls anyway to write (see <see cref="StartTaskJobInput.Records"/>). Each change enters the history once, so a
    /// run's history grows with its changes, not with its size times its steps. A map chunk takes only its own instances.
    /// </summary>
    /// <param name="max">The most records to take; the rest wait for the next write.</param>
    /// <returns>The records, or null when none changed.</returns>
    private List<StoredTaskRecord>? TakeChangedRecords(int max)
    {
        List<StoredTaskRecord>? taken = null;
        if (!this.input.StoresTaskRecords)
        {
            return taken;
        }

        this.ExpandDirtyAll();
        var looked = 0;
        for (; looked < this.dirtyRecords.Count; looked++)
        {
            var record = this.dirtyRecords[looked];
            var print = Fingerprint(record);
            if (this.storedPrints.TryGetValue(record, out var stored) && stored.Equals(print))
            {
                continue;
            }

            if ((taken ??= []).Count >= max)
            {
                // The rest waits for the next write.
                break;
            }

            this.storedPrints[record] = print;
            taken.Add(new StoredTaskRecord(this.compiled.Order[record.TaskId], record.MapIndex, TaskRecordJson.Serialize(record)));
        }

        foreach (var record in this.dirtyRecords.Take(looked))
        {
            this.dirtySet.Remove(record);
        }

        this.dirtyRecords.RemoveRange(0, looked);
        this.recordsChanged = this.dirtyRecords.Count > 0;
        return taken;
    }

    /// <summary>Turns "any record may have changed" into every record of the run (of a chunk: its own) on the dirty list.</summary>
    private void ExpandDirtyAll()
    {
        if (!this.dirtyAll)
        {
            return;
        }

        this.dirtyAll = false;
        foreach (var node in this.chunkNode is { } own ? [own] : this.byOrder)
        {
            foreach (var record in node.Instances)
            {
                if (this.dirtySet.Add(record))
                {
                    this.dirtyRecords.Add(record);
                }
            }
        }
    }

    /// <summary>Gets whether a record changed that no activity has taken yet.</summary>
    private bool HasUntakenChanges()
    {
        if (!this.recordsChanged || !this.input.StoresTaskRecords)
        {
            return false;
        }

        this.ExpandDirtyAll();
        var looked = 0;
        var found = false;
        for (; looked < this.dirtyRecords.Count && !found; looked++)
        {
            var record = this.dirtyRecords[looked];
            found = !this.storedPrints.TryGetValue(record, out var stored) || !stored.Equals(Fingerprint(record));
        }

        // Records looked at and found unchanged leave the list.
        var unchanged = found ? looked - 1 : looked;
        foreach (var record in this.dirtyRecords.Take(unchanged))
        {
            this.dirtySet.Remove(record);
        }

        this.dirtyRecords.RemoveRange(0, unchanged);
        this.recordsChanged = found;
        return found;
    }

    /// <summary>Takes one record for an activity to write, whether it changed or not; null for a run that stores none.</summary>
    private StoredTaskRecord? TakeRecord(TaskInstanceRecord record)
    {
        if (!this.input.StoresTaskRecords)
        {
            return null;
        }

        this.MarkTaken(record);
        return new StoredTaskRecord(this.compiled.Order[record.TaskId], record.MapIndex, TaskRecordJson.Serialize(record));
    }

    /// <summary>Notes a record as written as it is now (an activity wrote what the run has just learnt from it).</summary>
    private void MarkTaken(TaskInstanceRecord record) => this.storedPrints[record] = Fingerprint(record);

    /// <summary>What a reader of a record sees change (lists and dictionaries are replaced, never edited, so their identity counts).</summary>
    private static object Fingerprint(TaskInstanceRecord r) =>
        (r.State, r.Attempts, r.StartedAt, r.EndedAt, r.JobId, r.Backend, r.Error, r.RowsWritten, r.Outputs, r.Values, r.Followed, r.Chained, r.Reused, r.JobEndedAt, r.MarkedBy);

    private RunIndexEntry BuildIndexEntry(bool withTasks)
    {
        var instances = this.byOrder.SelectMany(n => n.Instances).ToList();
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
            Tasks = !withTasks ? null : instances.Select(r => new RunIndexTask(r.TaskId, r.MapIndex, r.State, r.Attempts, Utc(r.StartedAt), Utc(r.EndedAt), r.Reused)).ToList(),
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

        // The manifest and the index's task list hold every instance: while the run goes on, only a small run rewrites
        // them (each write enters the history); a large one writes them when it ends, and its changed records meanwhile.
        var whole = !this.input.StoresTaskRecords || this.runState is DagRunState.Success or DagRunState.Failed || this.byOrder.Sum(n => n.Instances.Count) <= MaxInstancesRewritten;
        var index = this.BuildIndexEntry(whole);
        this.manifestWrite = this.context.CallActivityAsync<Dictionary<string, DataSize>>(nameof(WriteRunManifest), new WriteRunManifestInput(this.manifestLocation, whole ? this.BuildManifest() : null, index)
        {
            RunId = this.input.RunId,
            Records = this.TakeChangedRecords(int.MaxValue),
        });
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
