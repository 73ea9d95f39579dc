using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Mapped tasks of <see cref="DagRunExecution"/>: one instance per item, at most <c>maxParallelism</c> at once; above
/// <see cref="DagRunInput.MapChunkSize"/> items the instances run in chunks, each in a sub-orchestration
/// (<see cref="MappedTaskOrchestrator"/>), so no one history holds every instance.
/// </summary>
internal sealed partial class DagRunExecution
{
    // The running chunk sub-orchestrations' instance ids, each with its mapped task's id (a task mark cancels its own).
    private readonly Dictionary<string, string> chunkTasks = new(StringComparer.Ordinal);

    private async Task RunMappedAsync(TaskNode node)
    {
        var expand = node.Task.Expand!;
        var placeholder = node.Instances[0];
        placeholder.State = TaskInstanceState.Running;
        placeholder.StartedAt = this.context.CurrentUtcDateTime;
        this.Changed();
        List<JsonNode?> items;
        if (expand.Param is { } param)
        {
            items = this.parameters.TryGetValue(param, out var value) && value is JsonArray array ? array.Select(i => i?.DeepClone()).ToList() : [];
        }
        else
        {
            var upstream = this.nodes[expand.FromTask!];
            var location = this.TaskOutputLocation(upstream, expand.FromOutput!)
                ?? throw new InvalidOperationException($"the output '{expand.From}' to expand over is not available (task {upstream.State})");
            var format = WireFormat(upstream.Task.FindOutput(expand.FromOutput!)?.Format ?? DataFormat.Parquet);
            var rows = await this.context.CallActivityAsync<List<JsonObject>>(nameof(ReadTaskRows), new ReadTaskRowsInput(location, format.ToString(), MaxMapItems));
            this.PublishIfDirty();
            items = rows.Select(r => expand.Column is { } column ? r[column]?.DeepClone() : r).ToList();
        }

        if (this.cancelled)
        {
            return;
        }

        if (items.Count == 0)
        {
            placeholder.State = TaskInstanceState.Skipped;
            placeholder.EndedAt = this.context.CurrentUtcDateTime;
            node.State = TaskInstanceState.Skipped;
            return;
        }

        node.Instances.Clear();
        for (var i = 0; i < items.Count; i++)
        {
            node.Instances.Add(new TaskInstanceRecord { TaskId = node.Task.Id, MapIndex = i, State = TaskInstanceState.Queued });
        }

        node.Expanded = true;
        this.Changed();
        var limit = Math.Max(1, expand.MaxParallelism);
        if (this.input.MapChunkSize > 0 && items.Count > this.input.MapChunkSize)
        {
            await this.RunMapChunksAsync(node, items, limit);
            node.State = Aggregate(node.Instances);
            return;
        }

        var active = new List<Task>();
        var next = 0;
        while (next < items.Count || active.Count > 0)
        {
            // The instances started together submit together (DagRunInput.BatchesMappedSubmits).
            using (this.submits.Hold(this.input.BatchesMappedSubmits))
            {
                while (next < items.Count && active.Count < limit && !this.IsMarked(node))
                {
                    var index = next++;
                    active.Add(this.RunInstanceSafeAsync(node, node.Instances[index], items[index]));
                }
            }

            if (active.Count == 0)
            {
                // An operator marked the task: its instances hold the marked state, and none is left to start.
                return;
            }

            var done = await Task.WhenAny(active);
            active.Remove(done);
            this.PublishIfDirty();
            if (this.cancelled)
            {
                return;
            }
        }

        node.State = Aggregate(node.Instances);
    }

    private async Task RunInstanceSafeAsync(TaskNode node, TaskInstanceRecord record, JsonNode? item)
    {
        try
        {
            await this.RunInstanceAsync(node, record, item);
        }
#pragma warning disable CA1031 // One mapped instance failing must not stop its siblings.
        catch (Exception error)
#pragma warning restore CA1031
        {
            record.State = TaskInstanceState.Failed;
            record.Error = error is TaskFailedException failed ? failed.FailureDetails.ErrorMessage : error.Message;
            record.EndedAt = this.context.CurrentUtcDateTime;
            this.Changed(record);
        }
    }

    /// <summary>Runs a mapped task's instances in chunks of <see cref="DagRunInput.MapChunkSize"/>, each in a <see cref="MappedTaskOrchestrator"/>, with the task's parallelism spread over the chunks running at once.</summary>
    private async Task RunMapChunksAsync(TaskNode node, List<JsonNode?> items, int limit)
    {
        var size = this.input.MapChunkSize;
        var chunks = (items.Count + size - 1) / size;
        var perChunk = Math.Min(limit, size);
        var atOnce = Math.Max(1, limit / perChunk);
        var finished = this.nodes.Values.Where(n => n.State == TaskInstanceState.Success).SelectMany(n => n.Instances).Where(r => r.State == TaskInstanceState.Success).ToList();
        var active = new Dictionary<Task<List<TaskInstanceRecord>>, string>();
        var next = 0;
        while (next < chunks || active.Count > 0)
        {
            while (next < chunks && active.Count < atOnce && !this.cancelled && !this.IsMarked(node))
            {
                var first = next * size;
                var id = string.Create(CultureInfo.InvariantCulture, $"{this.input.RunId}--map-{node.Task.Id}-{next}");
                var chunk = new MapChunkInput
                {
                    Run = this.input with { Reused = [] },
                    TaskId = node.Task.Id,
                    FirstIndex = first,
                    Items = items.GetRange(first, Math.Min(size, items.Count - first)),
                    MaxParallelism = perChunk,
                    Finished = finished,
                };
                for (var i = first; i < first + chunk.Items.Count; i++)
                {
                    node.Instances[i].State = TaskInstanceState.Running;
                }

                active[this.context.CallSubOrchestratorAsync<List<TaskInstanceRecord>>(nameof(MappedTaskOrchestrator), chunk, new SubOrchestrationOptions { InstanceId = id })] = id;
                this.mapChunks.Add(id);
                this.chunkTasks[id] = node.Task.Id;
                next++;
            }

            if (active.Count == 0)
            {
                return;
            }

            var done = await Task.WhenAny(active.Keys);
            this.mapChunks.Remove(active[done]);
            this.chunkTasks.Remove(active[done]);
            active.Remove(done);
            try
            {
                foreach (var record in await done)
                {
                    // A record an operator marked meanwhile keeps the mark; the chunk only cancelled its job.
                    if (node.Instances[record.MapIndex!.Value].MarkedBy is null)
                    {
                        node.Instances[record.MapIndex!.Value] = record;
                    }
                }
            }
            catch (TaskFailedException failed)
            {
                foreach (var record in node.Instances.Where(r => !IsDone(r.State)))
                {
                    record.State = TaskInstanceState.Failed;
                    record.Error = failed.FailureDetails.ErrorMessage;
                    record.EndedAt = this.context.CurrentUtcDateTime;
                }
            }

            this.Changed(node.Instances);
        }
    }

    /// <summary>The body of <see cref="MappedTaskOrchestrator"/>: runs one chunk's instances and returns their records.</summary>
    /// <param name="chunk">The chunk.</param>
    /// <returns>The records, in map-index order.</returns>
    public async Task<List<TaskInstanceRecord>> RunMapChunkAsync(MapChunkInput chunk)
    {
        foreach (var group in chunk.Finished.GroupBy(r => r.TaskId, StringComparer.Ordinal))
        {
            if (this.nodes.TryGetValue(group.Key, out var finishedNode))
            {
                finishedNode.Instances.Clear();
                finishedNode.Instances.AddRange(group);
                finishedNode.Expanded = group.Any(r => r.MapIndex is not null);
                finishedNode.State = TaskInstanceState.Success;
            }
        }

        var node = this.nodes[chunk.TaskId];
        this.chunkNode = node;
        var records = chunk.Items.Select((_, i) => new TaskInstanceRecord { TaskId = chunk.TaskId, MapIndex = chunk.FirstIndex + i, State = TaskInstanceState.Queued }).ToList();
        var cancel = this.context.WaitForExternalEvent<string?>(DagRunEvents.Cancel);
        node.Instances.Clear();
        node.Instances.AddRange(records);
        node.Expanded = true;
        node.State = TaskInstanceState.Running;
        var active = new List<Task>();
        var next = 0;
        while (next < records.Count || active.Count > 0)
        {
            using (this.submits.Hold(this.input.BatchesMappedSubmits))
            {
                while (next < records.Count && active.Count < Math.Max(1, chunk.MaxParallelism))
                {
                    var index = next++;
                    active.Add(this.RunInstanceSafeAsync(node, records[index], chunk.Items[index]));
                }
            }

            var done = await Task.WhenAny([.. active, cancel]);
            if (done == cancel)
            {
                await this.CancelAsync(cancel.Result);
                break;
            }

            active.Remove(done);
        }

        return records;
    }
}
