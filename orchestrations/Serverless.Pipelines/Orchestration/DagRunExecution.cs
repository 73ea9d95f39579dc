using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Diagnostics;
using Serverless.Pipelines.Runs;
using Serverless.Spark.Activities;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// The state and logic of one DAG run inside <see cref="DagRunOrchestrator"/>. Everything here runs on the replay
/// scheduler: only awaitables from the context, no I/O, no clocks but <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>.
/// Task runners are concurrent async methods that mutate the shared records; that is safe because orchestrator code
/// runs on one thread.
/// </summary>
internal sealed partial class DagRunExecution
{
    private const int MaxMapItems = 10_000;
    private const int MaxChained = 500;
    private readonly TaskOrchestrationContext context;
    private readonly DagRunInput input;
    private readonly DagDefinition dag;
    private readonly CompiledDag compiled;
    private readonly DagGraph graph;
    private readonly Dictionary<string, TaskNode> nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DataSize> sizes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonNode?> parameters;
    private readonly string manifestLocation;
    private bool statusDirty = true;
    private DateTime runStartedAt;
    private bool cancelled;
    private string? runError;
    private DagRunState runState = DagRunState.Running;
    private Task<Dictionary<string, DataSize>>? manifestWrite;
    private bool manifestDirty;
    private int activeTasks;
    private readonly Dictionary<string, StartedTaskJob> presubmitted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> assumedOutputs = new(StringComparer.Ordinal);
    private readonly JobSubmitBatcher submits;

    // Tasks to examine (state none, an upstream changed) and tasks ready to start, by topological position: each step
    // looks only at what changed, never at every task of the DAG.
    private readonly SortedSet<int> undecided = [];
    private readonly SortedSet<int> ready = [];
    private readonly List<TaskNode> byOrder = [];

    // A chunk of a mapped task (MappedTaskOrchestrator) reports through its output only: no status, no manifest.
    private readonly bool chunk;
    private readonly List<string> mapChunks = [];
    private TaskNode? chunkNode;
    private bool recordsChanged;

    // The records changed since they were last taken for the task store, in order of change (Changed(record)); a
    // change that names no record makes the next take look at every record.
    private readonly List<TaskInstanceRecord> dirtyRecords = [];
    private readonly HashSet<TaskInstanceRecord> dirtySet = new(ReferenceEqualityComparer.Instance);
    private bool dirtyAll = true;

    // What each task record looked like when it was last handed to an activity for the task store (TakeChangedRecords).
    private readonly Dictionary<TaskInstanceRecord, object> storedPrints = new(ReferenceEqualityComparer.Instance);

    public DagRunExecution(TaskOrchestrationContext context, DagRunInput input, CompiledDag compiled, bool chunk = false)
    {
        this.chunk = chunk;
        this.context = context;
        this.input = input;
        this.compiled = compiled;
        this.dag = compiled.Dag;
        this.graph = compiled.Graph;
        this.parameters = input.Params.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        this.manifestLocation = $"{input.DataContainer}/{dag.Id}/{input.RunId}/_manifest.json";
        this.submits = new JobSubmitBatcher(context, this.TakeChangedRecords, input.BatchesMappedSubmits);
        foreach (var id in this.graph.TopologicalOrder)
        {
            var node = new TaskNode(this.dag.FindTask(id)!, compiled.Settings[id]);
            this.nodes[id] = node;
            this.byOrder.Add(node);
        }
    }

    public async Task<DagRunResult> RunAsync()
    {
        // First, so that a deadline after the start counts from the run's first step.
        this.StartDeadline();
        this.runStartedAt = this.context.CurrentUtcDateTime;
        PipelineTelemetry.RunStarted(this.context, this.dag.Id, this.input.RunId);
        await this.LoadVariablesAsync();
        this.ApplyReused();
        for (var i = 0; i < this.byOrder.Count; i++)
        {
            if (this.byOrder[i].State == TaskInstanceState.None)
            {
                this.undecided.Add(i);
            }
        }

        var cancel = this.context.WaitForExternalEvent<string?>(DagRunEvents.Cancel);
        if (!this.input.UsesRunSlot)
        {
            this.PublishIfDirty();
            await this.RunTasksAsync(cancel);
            return await this.EndAsync();
        }

        var slot = new RunSlotRequest(this.dag.Id, this.dag.MaxActiveRuns, this.input.RunId);
        try
        {
            if (await this.WaitForRunSlotAsync(slot, cancel))
            {
                await this.RunTasksAsync(cancel);
            }
            else
            {
                await this.CancelAsync(cancel.Result);
            }

            return await this.EndAsync();
        }
        finally
        {
            // Also when the run fails; a terminated run never gets here, and its slot is taken over once it has ended.
            await this.context.CallActivityAsync<int>(nameof(ReleaseRunSlot), slot);
        }
    }

    private async Task RunTasksAsync(Task<string?> cancel)
    {
        var running = new Dictionary<Task, string>();
        while (true)
        {
            this.Decide();

            // The tasks started here run to their first await at once; those whose first await is their job's submit
            // go together, in one activity (JobSubmitBatcher), sent before the loop waits.
            if (this.input.BatchesJobSubmits)
            {
                this.submits.Collect();
            }

            while (running.Count < Math.Max(1, this.dag.MaxActiveTasks) && this.ready.Count > 0)
            {
                var next = this.ready.Min;
                this.ready.Remove(next);
                var node = this.byOrder[next];
                if (node.State == TaskInstanceState.Queued)
                {
                    node.State = TaskInstanceState.Running;
                    running[this.RunTaskAsync(node)] = node.Task.Id;
                }
            }

            this.submits.Flush();
            this.activeTasks = running.Count;
            this.PublishIfDirty();

            // A change no activity carried (a sensor waiting, a branch deciding, a retry timer): a write of its own.
            this.manifestDirty |= this.HasUntakenChanges();
            this.StartManifestWriteIfDue();
            if (running.Count == 0)
            {
                break;
            }

            var waitSet = new List<Task>(running.Keys) { cancel, this.NextMark() };
            if (this.manifestWrite is { } write)
            {
                waitSet.Add(write);
            }

            var winner = await Task.WhenAny(waitSet);
            if (winner == cancel)
            {
                await this.CancelAsync(cancel.Result);
                break;
            }

            if (winner == this.markWaiter)
            {
                if (await this.ApplyMarkAsync(running))
                {
                    break;
                }

                continue;
            }

            if (winner == this.manifestWrite)
            {
                await this.CompleteManifestWriteAsync();
                continue;
            }

            if (running.Remove(winner, out var finished))
            {
                this.Undecide(this.graph.DownstreamOf(finished));
            }

            this.manifestDirty |= this.input.WriteManifestAsTasksFinish;
        }
    }

    private async Task<DagRunResult> EndAsync()
    {
        this.Finish();
        this.PublishIfDirty();
        if (this.manifestWrite is not null)
        {
            await this.CompleteManifestWriteAsync();
        }

        // Every episode's custom status is only what it sets, and each wait here ends one: each publishes the pending
        // state (a reader shows it once the index has it) rather than no status at all.
        this.manifestDirty = true;
        this.StartManifestWriteIfDue();
        if (this.manifestWrite is not null)
        {
            this.PublishIfDirty();
            await this.CompleteManifestWriteAsync();
        }

        // A large run's last changed records take more than one write; the manifest goes with the last. Bounded: each
        // pass writes up to MaxRecordsPerWrite records or is a failed write retried (a few times at most).
        for (var pass = 0; this.input.StoresTaskRecords && this.manifestDirty && pass < 100; pass++)
        {
            this.StartManifestWriteIfDue();
            this.PublishIfDirty();
            await this.CompleteManifestWriteAsync();
        }

        this.PublishFinalState();
        await this.DrainNotificationsAsync();
        var result = this.BuildResult(withTasks: this.RecordsInline());
        this.context.SetCustomStatus(this.BuildStatus());
        PipelineTelemetry.RunEnded(this.context, this.dag.Id, this.input.RunId, this.runStartedAt, result.State.ToString().ToLowerInvariant());
        return result;
    }

    private static bool IsDone(TaskInstanceState state) =>
        state is TaskInstanceState.Success or TaskInstanceState.Failed or TaskInstanceState.Skipped or TaskInstanceState.UpstreamFailed;

    private static TaskInstanceState Aggregate(IEnumerable<TaskInstanceRecord> instances)
    {
        var list = instances.ToList();
        if (list.Count == 0 || list.All(r => r.State == TaskInstanceState.Skipped))
        {
            return TaskInstanceState.Skipped;
        }

        if (list.Any(r => r.State == TaskInstanceState.Failed))
        {
            return TaskInstanceState.Failed;
        }

        if (list.Any(r => r.State == TaskInstanceState.UpstreamFailed))
        {
            return TaskInstanceState.UpstreamFailed;
        }

        return list.All(r => IsDone(r.State)) ? TaskInstanceState.Success : TaskInstanceState.Running;
    }

    private static string Text(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue scalar when scalar.GetValueKind() == System.Text.Json.JsonValueKind.String => scalar.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private static string Format(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private void ApplyReused()
    {
        foreach (var group in this.input.Reused.GroupBy(r => r.TaskId, StringComparer.Ordinal))
        {
            if (!this.nodes.TryGetValue(group.Key, out var node))
            {
                continue;
            }

            node.Instances.Clear();
            foreach (var record in group.OrderBy(r => r.MapIndex ?? -1))
            {
                record.Reused = true;
                node.Instances.Add(record);
            }

            node.Followed = node.Instances[0].Followed;
            node.Expanded = node.Task.Expand is not null;
            node.State = node.Task.Expand is null ? node.Instances[0].State : Aggregate(node.Instances);
        }
    }

    /// <summary>
    /// Moves the tasks to examine whose upstreams decide them out of state none (queued, skipped, upstream_failed),
    /// examining the downstream of each decided task in turn (skip propagation). A task still waiting is examined
    /// again when one of its upstreams ends.
    /// </summary>
    private void Decide()
    {
        while (this.undecided.Count > 0)
        {
            var position = this.undecided.Min;
            this.undecided.Remove(position);
            var node = this.byOrder[position];
            if (node.State != TaskInstanceState.None || this.cancelled)
            {
                continue;
            }

            var id = node.Task.Id;
            var upstream = this.graph.UpstreamOf(id);
            var decision = upstream.Any(u => this.nodes[u] is { Task.Kind: DagTaskKind.Branch, State: TaskInstanceState.Success, Followed: { } followed } && !followed.Contains(id, StringComparer.Ordinal))
                ? TriggerDecision.Skip
                : TriggerRuleEvaluator.Evaluate(node.Settings.TriggerRule, upstream.SelectMany(this.UpstreamStates));
            switch (decision)
            {
                case TriggerDecision.Run:
                    this.SetTaskState(node, TaskInstanceState.Queued);
                    this.ready.Add(position);
                    break;
                case TriggerDecision.Skip:
                    this.SetTaskState(node, TaskInstanceState.Skipped, ended: true);
                    this.Undecide(this.graph.DownstreamOf(id));
                    break;
                case TriggerDecision.UpstreamFailed:
                    this.SetTaskState(node, TaskInstanceState.UpstreamFailed, ended: true);
                    this.Undecide(this.graph.DownstreamOf(id));
                    break;
                default:
                    break;
            }
        }
    }

    private void Undecide(IEnumerable<string> taskIds)
    {
        foreach (var id in taskIds)
        {
            this.undecided.Add(this.compiled.Order[id]);
        }
    }

    private IEnumerable<TaskInstanceState> UpstreamStates(string taskId)
    {
        var node = this.nodes[taskId];
        if (node.Expanded && IsDone(node.State))
        {
            return node.Instances.Select(r => r.State);
        }

        // A mapped task still running counts as one running upstream until every instance is done.
        return [node.State];
    }

    private void SetTaskState(TaskNode node, TaskInstanceState state, bool ended = false)
    {
        node.State = state;
        foreach (var record in node.Instances)
        {
            record.State = state;
            if (ended)
            {
                record.EndedAt ??= this.context.CurrentUtcDateTime;
            }
        }

        this.Changed(node.Instances);
    }

    private async Task CancelAsync(string? reason)
    {
        this.cancelled = true;
        await this.ReleasePoolClaimsAsync();
        foreach (var id in this.mapChunks)
        {
            this.context.SendEvent(id, DagRunEvents.Cancel, reason ?? string.Empty);
        }

        foreach (var early in this.presubmitted.Values.Where(j => !j.Status.IsTerminal))
        {
            try
            {
                await this.context.CallActivityAsync<SparkJobStatus>(nameof(CancelSparkJob), early.Handle);
            }
            catch (TaskFailedException)
            {
                // Reported by the backend's own state; the run ends failed either way.
            }
        }

        var why = string.IsNullOrWhiteSpace(reason) ? "terminated" : "terminated: " + reason;
        await this.CancelJobsAsync(this.nodes.Values.SelectMany(n => n.Instances).Where(r => r.State == TaskInstanceState.Running));

        var now = this.context.CurrentUtcDateTime;
        foreach (var node in this.nodes.Values)
        {
            foreach (var record in node.Instances.Where(r => !IsDone(r.State)))
            {
                var wasActive = record.State is TaskInstanceState.Running or TaskInstanceState.UpForRetry;
                record.State = wasActive ? TaskInstanceState.Failed : TaskInstanceState.Skipped;
                record.Error = wasActive ? why : record.Error;
                record.EndedAt = now;
            }

            if (!IsDone(node.State))
            {
                node.State = Aggregate(node.Instances);
            }
        }

        this.runError = why;
        this.runState = DagRunState.Failed;
        this.Changed();
    }

    private void Finish()
    {
        if (this.cancelled)
        {
            this.NotifyRunEnd();
            return;
        }

        // As Airflow: the run fails when a leaf failed or is upstream_failed; skipped leaves do not fail it.
        var leaves = this.graph.Leaves.Select(id => this.nodes[id]).ToList();
        var failedLeaf = leaves.Any(n => n.State is TaskInstanceState.Failed or TaskInstanceState.UpstreamFailed);
        this.runState = failedLeaf ? DagRunState.Failed : DagRunState.Success;
        if (failedLeaf)
        {
            var firstFailed = this.nodes.Values.SelectMany(n => n.Instances).FirstOrDefault(r => r.State == TaskInstanceState.Failed);
            this.runError = firstFailed is null ? "an upstream task failed" : $"task '{firstFailed.TaskId}' failed: {firstFailed.Error}";
        }

        this.Changed();
        this.NotifyRunEnd();
    }
}
