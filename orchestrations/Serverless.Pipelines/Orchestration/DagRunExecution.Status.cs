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

    /// <summary>The most task instances whose records the run's output, final status and final manifest write carry (an orchestrator action must stay well under the worker's 4 MB message chunk).</summary>
    private const int MaxInstancesInline = 1_000;

    /// <summary>The most changed records one manifest write carries.</summary>
    private const int MaxRecordsPerWrite = 1_000;

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
        var status = this.BuildStatusBody();
        if (!this.finalStatePublished && status.State is DagRunState.Success or DagRunState.Failed)
        {
            // Decided, not yet in the runs index: a reader that sees the final state must find it in the lists too,
            // so it shows the pending state once the index has it (DagRunTaskReader).
            status.PendingState = status.State;
            status.PendingEndedAt = status.EndedAt;
            status.State = DagRunState.Running;
            status.EndedAt = null;
        }

        return status;
    }

    private DagRunResult BuildStatusBody()
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
        if (!this.input.StoresTaskRecords)
        {
            // As runs of the old shape did, so their replay does not change.
            this.manifestWrite = this.context.CallActivityAsync<Dictionary<string, DataSize>>(nameof(WriteRunManifest), new WriteRunManifestInput(this.manifestLocation, this.BuildManifest(), this.BuildIndexEntry(true)));
            return;
        }

        // The manifest and the index's task list hold every instance, so while the run goes on only a small run rewrites
        // them (each write enters the history); a large one writes them when it ends, and its changed records meanwhile,
        // at most MaxRecordsPerWrite a write. A run too large to pass every record (MaxInstancesInline) has its final
        // manifest assembled by the activity from the task store, once every record is there.
        var count = this.byOrder.Sum(n => n.Instances.Count);
        var final = this.runState is DagRunState.Success or DagRunState.Failed;
        var records = this.TakeChangedRecords(MaxRecordsPerWrite);
        var more = this.HasUntakenChanges();
        var manifest = count <= MaxInstancesRewritten || (final && !more && count <= MaxInstancesInline) ? this.BuildManifest()
            : final && !more ? this.BuildManifest(withTasks: false)
            : null;
        this.manifestDirty = more;
        var fromStore = manifest is not null && count > MaxInstancesInline;
        this.manifestWrite = this.context.CallActivityAsync<Dictionary<string, DataSize>>(nameof(WriteRunManifest), new WriteRunManifestInput(this.manifestLocation, manifest, this.BuildIndexEntry(count <= MaxInstancesRewritten || final))
        {
            RunId = this.input.RunId,
            Records = records,
            TaskKinds = fromStore ? this.byOrder.ToDictionary(n => n.Task.Id, n => WireNames.Of(n.Task.Kind), StringComparer.Ordinal) : null,
            TaskHashes = fromStore ? new Dictionary<string, string>(this.compiled.TaskHashes, StringComparer.Ordinal) : null,
        });
    }

    /// <summary>Gets whether the run's output and final status hold every record (else GET run reads the task store).</summary>
    private bool RecordsInline() => !this.input.StoresTaskRecords || this.byOrder.Sum(n => n.Instances.Count) <= MaxInstancesInline;

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

    private JsonObject BuildManifest(bool withTasks = true)
    {
        var tasks = new JsonArray();
        foreach (var node in withTasks ? this.byOrder : [])
        {
            foreach (var record in node.Instances)
            {
                tasks.Add(RunManifestEntries.Of(record, WireNames.Of(node.Task.Kind), this.compiled.TaskHashes.GetValueOrDefault(record.TaskId), this.sizes));
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
}
