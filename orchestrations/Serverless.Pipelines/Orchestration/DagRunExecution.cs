using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Templating;
using Serverless.Spark.Activities;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// The state and logic of one DAG run inside <see cref="DagRunOrchestrator"/>. Everything here runs on the replay
/// scheduler: only awaitables from the context, no I/O, no clocks but <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>.
/// Task runners are concurrent async methods that mutate the shared records; that is safe because orchestrator code
/// runs on one thread.
/// </summary>
internal sealed class DagRunExecution
{
    private const int MaxMapItems = 10_000;
    private const int MaxChained = 500;
    private readonly TaskOrchestrationContext context;
    private readonly DagRunInput input;
    private readonly DagDefinition dag;
    private IReadOnlyDictionary<string, string>? taskHashes;
    private readonly DagGraph graph;
    private readonly Dictionary<string, TaskNode> nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DataSize> sizes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonNode?> parameters;
    private readonly string manifestLocation;
    private bool statusDirty = true;
    private bool cancelled;
    private string? runError;
    private DagRunState runState = DagRunState.Running;
    private Task<Dictionary<string, DataSize>>? manifestWrite;
    private bool manifestDirty;
    private int activeTasks;
    private readonly Dictionary<string, StartedTaskJob> presubmitted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> assumedOutputs = new(StringComparer.Ordinal);

    public DagRunExecution(TaskOrchestrationContext context, DagRunInput input, DagDefinition dag)
    {
        this.context = context;
        this.input = input;
        this.dag = dag;
        this.graph = new DagGraph(dag);
        this.parameters = input.Params.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        this.manifestLocation = $"{input.DataContainer}/{dag.Id}/{input.RunId}/_manifest.json";
        foreach (var id in this.graph.TopologicalOrder)
        {
            var task = dag.FindTask(id)!;
            this.nodes[id] = new TaskNode(task, dag.SettingsFor(task));
        }
    }

    public async Task<DagRunResult> RunAsync()
    {
        this.ApplyReused();
        this.PublishIfDirty();
        var cancel = this.context.WaitForExternalEvent<string?>(DagRunEvents.Cancel);
        var running = new Dictionary<Task, string>();
        while (true)
        {
            this.Decide();
            foreach (var node in this.nodes.Values)
            {
                if (running.Count >= Math.Max(1, this.dag.MaxActiveTasks))
                {
                    break;
                }

                if (node.State == TaskInstanceState.Queued)
                {
                    node.State = TaskInstanceState.Running;
                    running[this.RunTaskAsync(node)] = node.Task.Id;
                }
            }

            this.activeTasks = running.Count;
            this.PublishIfDirty();
            this.StartManifestWriteIfDue();
            if (running.Count == 0)
            {
                break;
            }

            var waitSet = new List<Task>(running.Keys) { cancel };
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

            if (winner == this.manifestWrite)
            {
                await this.CompleteManifestWriteAsync();
                continue;
            }

            running.Remove(winner);
            this.manifestDirty |= this.input.WriteManifestAsTasksFinish;
        }

        this.Finish();
        if (this.manifestWrite is not null)
        {
            await this.CompleteManifestWriteAsync();
        }

        this.manifestDirty = true;
        this.StartManifestWriteIfDue();
        if (this.manifestWrite is not null)
        {
            await this.CompleteManifestWriteAsync();
        }

        var result = this.BuildResult();
        this.context.SetCustomStatus(result);
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

    /// <summary>Moves tasks whose upstreams decide them out of state none, until nothing changes (skip propagation).</summary>
    private void Decide()
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var node in this.nodes.Values)
            {
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
                        changed = true;
                        break;
                    case TriggerDecision.Skip:
                        this.SetTaskState(node, TaskInstanceState.Skipped, ended: true);
                        changed = true;
                        break;
                    case TriggerDecision.UpstreamFailed:
                        this.SetTaskState(node, TaskInstanceState.UpstreamFailed, ended: true);
                        changed = true;
                        break;
                    default:
                        break;
                }
            }
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

        this.Changed();
    }

    private async Task RunTaskAsync(TaskNode node)
    {
        try
        {
            if (node.Task.Expand is not null)
            {
                await this.RunMappedAsync(node);
            }
            else
            {
                var record = node.Instances[0];
                await this.RunInstanceAsync(node, record, null);
                node.State = record.State;
            }
        }
#pragma warning disable CA1031 // A task's failure must end the task, never the run: the run decides its state from all tasks.
        catch (Exception error)
#pragma warning restore CA1031
        {
            foreach (var record in node.Instances.Where(r => !IsDone(r.State)))
            {
                record.State = TaskInstanceState.Failed;
                record.Error ??= error is TaskFailedException failed ? failed.FailureDetails.ErrorMessage : error.Message;
                record.EndedAt = this.context.CurrentUtcDateTime;
            }

            node.State = TaskInstanceState.Failed;
        }

        this.Changed();
    }

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
        var active = new List<Task>();
        var next = 0;
        while (next < items.Count || active.Count > 0)
        {
            while (next < items.Count && active.Count < limit)
            {
                var index = next++;
                active.Add(this.RunInstanceSafeAsync(node, node.Instances[index], items[index]));
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
            this.Changed();
        }
    }

    private Task RunInstanceAsync(TaskNode node, TaskInstanceRecord record, JsonNode? item) => node.Task.Kind switch
    {
        DagTaskKind.Sensor => this.RunSensorAsync(node, record),
        DagTaskKind.Branch => this.RunBranchAsync(node, record, item),
        _ => this.RunWithAttemptsAsync(node, record, attempt => this.RunJobAttemptAsync(node, record, item, attempt, this.BuildSpec(node, record, item))),
    };

    private async Task RunWithAttemptsAsync(TaskNode node, TaskInstanceRecord record, Func<int, Task<string?>> attemptBody)
    {
        var maxAttempts = node.Settings.Retries + 1;

        // Bounded by the retry count: every pass either returns or uses up an attempt.
        while (record.Attempts < maxAttempts)
        {
            record.Attempts++;
            var attempt = record.Attempts;
            var now = this.context.CurrentUtcDateTime;
            (record.AttemptStarts ??= []).Add(now);
            record.StartedAt ??= now;
            record.State = TaskInstanceState.Running;
            this.Changed();
            string? error;
            try
            {
                error = await attemptBody(attempt);
            }
            catch (TaskFailedException failed)
            {
                error = failed.FailureDetails.ErrorMessage;
            }
            catch (TemplateException template)
            {
                // A template that cannot render fails the same way on every attempt: no retries.
                record.Error = template.Message;
                record.State = TaskInstanceState.Failed;
                record.EndedAt = this.context.CurrentUtcDateTime;
                this.Changed();
                return;
            }

            if (this.cancelled)
            {
                return;
            }

            if (error is null)
            {
                record.State = TaskInstanceState.Success;
                record.Error = null;
                record.EndedAt = this.context.CurrentUtcDateTime;
                this.Changed();
                return;
            }

            record.Error = error;
            if (attempt >= maxAttempts)
            {
                record.State = TaskInstanceState.Failed;
                record.EndedAt = this.context.CurrentUtcDateTime;
                this.Changed();
                return;
            }

            record.State = TaskInstanceState.UpForRetry;
            this.Changed();
            await this.context.CreateTimer(node.Settings.DelayBeforeRetry(attempt), CancellationToken.None);
            this.PublishIfDirty();
            if (this.cancelled)
            {
                return;
            }
        }
    }

    /// <summary>Runs one attempt's job: submit, then poll on durable timers until it ends or the attempt times out.</summary>
    /// <returns><see langword="null"/> on success, else the error.</returns>
    private async Task<string?> RunJobAttemptAsync(TaskNode node, TaskInstanceRecord record, JsonNode? item, int attempt, SparkJobSpec spec)
    {
        _ = item;
        var attemptStart = this.context.CurrentUtcDateTime;
        var key = this.IdempotencyKey(node.Task.Id, record.MapIndex, attempt);
        StartedTaskJob started;
        if (attempt == 1 && record.MapIndex is null && this.presubmitted.Remove(node.Task.Id, out var early))
        {
            // Submitted by the upstream's activity the moment the upstream finished (same spec, same key).
            started = early;
        }
        else
        {
            var chained = record.MapIndex is null && this.input.ChainFastJobs ? this.ChainedAfter(node, spec) : [];
            started = await this.context.CallActivityAsync<StartedTaskJob>(nameof(StartTaskJob), new StartTaskJobInput(spec, key)
            {
                TaskId = node.Task.Id,
                Backend = node.Settings.Backend,
                Chained = chained,
                MaxRunning = Math.Max(0, Math.Max(1, this.dag.MaxActiveTasks) - this.activeTasks - this.presubmitted.Values.Count(j => !j.Status.IsTerminal)),
            });
            foreach (var job in started.Chained)
            {
                this.presubmitted[job.TaskId!] = job;
            }
        }

        var handle = started.Handle;
        record.JobId = handle.JobId;
        record.Backend = handle.Backend;
        record.JobKey = handle.IdempotencyKey;
        this.Changed();
        var status = started.Status;
        var timeout = node.Settings.ExecutionTimeout;
        DateTime? deadline = timeout is { } limit ? attemptStart + limit : null;
        var delay = this.input.FirstPollInterval;
        while (!status.IsTerminal)
        {
            if (this.cancelled)
            {
                return "cancelled";
            }

            var fireAt = this.context.CurrentUtcDateTime + delay;
            if (deadline is { } due && fireAt > due)
            {
                fireAt = due;
            }

            await this.context.CreateTimer(fireAt, CancellationToken.None);
            this.PublishIfDirty();
            if (deadline is { } end && this.context.CurrentUtcDateTime >= end)
            {
                try
                {
                    await this.context.CallActivityAsync<SparkJobStatus>(nameof(CancelSparkJob), handle);
                }
                catch (TaskFailedException)
                {
                    // The attempt fails on its timeout either way; a failed cancel is only reported.
                }

                return $"execution timeout of {timeout} exceeded; job {handle.JobId} was cancelled";
            }

            status = await this.context.CallActivityAsync<SparkJobStatus>(nameof(GetSparkJobStatus), handle);
            this.PublishIfDirty();
            var doubled = delay + delay;
            delay = doubled > this.input.MaxPollInterval ? this.input.MaxPollInterval : doubled;
        }

        if (status.State != SparkJobState.Succeeded)
        {
            return status.Message is { Length: > 0 } message ? $"job {handle.JobId} {status.State}: {message}" : $"job {handle.JobId} ended {status.State}";
        }

        record.RowsWritten = status.RowsWritten;
        record.Outputs = spec.Outputs.ToDictionary(o => o.Name, o => o.Location, StringComparer.Ordinal);
        record.Inputs = spec.Inputs.ToDictionary(i => i.Name, i => i.Location, StringComparer.Ordinal);
        return null;
    }

    private async Task RunSensorAsync(TaskNode node, TaskInstanceRecord record)
    {
        var sensor = node.Task.Sensor ?? throw new InvalidOperationException($"task '{node.Task.Id}' has no sensor settings");
        var start = this.context.CurrentUtcDateTime;
        record.Attempts = 1;
        record.StartedAt = start;
        (record.AttemptStarts ??= []).Add(start);
        record.State = TaskInstanceState.Running;
        this.Changed();
        var deadline = start + sensor.Timeout;
        var met = false;
        switch (sensor.Type)
        {
            case SensorKind.BlobExists:
                var context = this.TemplateContextFor(node, record, null);
                var location = (sensor.Container ?? this.input.DataContainer) + "/" + TemplateRenderer.Render(sensor.Path ?? string.Empty, context).TrimStart('/');
                record.Inputs = new Dictionary<string, string>(StringComparer.Ordinal) { ["sensor"] = location };
                while (!this.cancelled)
                {
                    if (await this.context.CallActivityAsync<bool>(nameof(CheckBlobExists), location))
                    {
                        met = true;
                        break;
                    }

                    var now = this.context.CurrentUtcDateTime;
                    if (now >= deadline)
                    {
                        break;
                    }

                    var fireAt = now + sensor.PokeInterval;
                    await this.context.CreateTimer(fireAt > deadline ? deadline : fireAt, CancellationToken.None);
                    this.PublishIfDirty();
                }

                break;
            case SensorKind.ExternalEvent:
                try
                {
                    await this.context.WaitForExternalEvent<JsonNode?>(sensor.EventName!, sensor.Timeout);
                    met = true;
                }
                catch (Exception e) when (e is TimeoutException or OperationCanceledException)
                {
                    met = false;
                }

                break;
            default:
                var target = sensor.At is { } at
                    ? DateTimeOffset.Parse(TemplateRenderer.Render(at, this.TemplateContextFor(node, record, null)), CultureInfo.InvariantCulture)
                    : this.input.DataIntervalEnd + (sensor.Delay ?? TimeSpan.Zero);
                var wait = target.UtcDateTime;
                if (wait > deadline)
                {
                    await this.context.CreateTimer(deadline, CancellationToken.None);
                }
                else
                {
                    if (wait > this.context.CurrentUtcDateTime)
                    {
                        await this.context.CreateTimer(wait, CancellationToken.None);
                    }

                    met = true;
                }

                break;
        }

        if (this.cancelled)
        {
            return;
        }

        record.EndedAt = this.context.CurrentUtcDateTime;
        if (met)
        {
            record.State = TaskInstanceState.Success;
        }
        else
        {
            record.State = sensor.SoftFail ? TaskInstanceState.Skipped : TaskInstanceState.Failed;
            record.Error = $"sensor timed out after {sensor.Timeout}";
        }

        this.Changed();
    }

    private async Task RunBranchAsync(TaskNode node, TaskInstanceRecord record, JsonNode? item)
    {
        var branch = node.Task.Branch ?? throw new InvalidOperationException($"task '{node.Task.Id}' has no branch settings");
        if (branch.Param is { } param)
        {
            var now = this.context.CurrentUtcDateTime;
            record.Attempts = 1;
            record.StartedAt = now;
            (record.AttemptStarts ??= []).Add(now);
            var value = this.parameters.TryGetValue(param, out var node1) && node1 is not null ? Text(node1) : null;
            Choose(node, record, branch.Resolve(value));
            record.State = TaskInstanceState.Success;
            record.EndedAt = now;
            this.Changed();
            return;
        }

        await this.RunWithAttemptsAsync(node, record, async attempt =>
        {
            var spec = this.BuildSpec(node, record, item, branch.Sql);
            var error = await this.RunJobAttemptAsync(node, record, item, attempt, spec);
            if (error is not null)
            {
                return error;
            }

            var rows = await this.context.CallActivityAsync<List<JsonObject>>(nameof(ReadTaskRows), new ReadTaskRowsInput(spec.Outputs[0].Location, "json", 1));
            var first = rows.Count > 0 ? rows[0].FirstOrDefault().Value : null;
            Choose(node, record, branch.Resolve(first is null ? null : Text(first)));
            return null;
        });
    }

    private static void Choose(TaskNode node, TaskInstanceRecord record, IReadOnlyList<string> follow)
    {
        record.Followed = [.. follow];
        node.Followed = record.Followed;
    }

    private SparkJobSpec BuildSpec(TaskNode node, TaskInstanceRecord record, JsonNode? item, string? branchSql = null)
    {
        var task = node.Task;
        var template = this.TemplateContextFor(node, record, item);
        string Render(string text) => TemplateRenderer.Render(text, template);
        var inputs = new List<SparkJobInput>();
        foreach (var taskInput in task.Inputs)
        {
            string location;
            DataFormat format;
            if (taskInput.FromTask is { } fromTask)
            {
                var upstream = this.nodes[fromTask];
                location = this.TaskOutputLocation(upstream, taskInput.FromOutput!)
                    ?? throw new TemplateException($"input '{taskInput.Name}': the output '{taskInput.From}' is not available (task {upstream.State})");
                format = taskInput.Format ?? upstream.Task.FindOutput(taskInput.FromOutput!)?.Format ?? DataFormat.Parquet;
            }
            else
            {
                location = (taskInput.Container ?? this.input.DataContainer) + "/" + Render(taskInput.Path ?? string.Empty).TrimStart('/');
                format = taskInput.EffectiveFormat ?? DataFormat.Parquet;
            }

            inputs.Add(new SparkJobInput(taskInput.Name, location, WireFormat(format)) { Options = taskInput.Options.ToDictionary(o => o.Key, o => Render(o.Value), StringComparer.Ordinal) });
        }

        var outputs = new List<SparkJobOutput>();
        if (branchSql is not null)
        {
            var folder = OutputLocation.DefaultFolder(this.input.DataContainer, this.dag.Id, this.input.RunId, task.Id, "branch", record.MapIndex);
            outputs.Add(new SparkJobOutput("branch", folder.ToString(), SparkDataFormat.Json));
        }
        else
        {
            foreach (var output in task.Outputs)
            {
                string location;
                if (output.Path is { } path)
                {
                    var rendered = Render(path).Trim('/') + "/";
                    location = this.input.DataContainer + "/" + rendered + (record.MapIndex is { } index ? string.Create(CultureInfo.InvariantCulture, $"map_index={index}/") : string.Empty);
                }
                else
                {
                    location = OutputLocation.DefaultFolder(this.input.DataContainer, this.dag.Id, this.input.RunId, task.Id, output.Name, record.MapIndex).ToString();
                }

                outputs.Add(new SparkJobOutput(output.Name, location, WireFormat(output.Format))
                {
                    Mode = output.Mode == OutputWriteMode.ErrorIfExists ? SparkWriteMode.ErrorIfExists : SparkWriteMode.Overwrite,
                    Table = output.Table,
                    Options = output.Options,
                });
            }
        }

        var name = record.MapIndex is { } mapIndex ? $"{this.dag.Id}.{task.Id}.{mapIndex}" : $"{this.dag.Id}.{task.Id}";
        if (name.Length > 100)
        {
            name = name[..100];
        }

        var kind = task.Kind switch
        {
            DagTaskKind.PySpark => SparkJobKind.PySpark,
            DagTaskKind.Jar => SparkJobKind.Jar,
            _ => SparkJobKind.Sql,
        };
        return new SparkJobSpec(name, kind)
        {
            Inputs = inputs,
            Outputs = outputs,
            Sql = (branchSql ?? task.Sql) is { } sql ? Render(sql) : null,
            File = task.File is { } file ? Render(file) : null,
            ClassName = task.ClassName,
            Args = task.Args.Select(Render).ToList(),
            PyFiles = task.PyFiles.Select(Render).ToList(),
            Jars = task.Jars.Select(Render).ToList(),
            Conf = task.Conf,
            Resources = task.Resources is { } r
                ? new SparkJobResources { DriverMemory = r.DriverMemory, DriverCores = r.DriverCores, ExecutorMemory = r.ExecutorMemory, ExecutorCores = r.ExecutorCores, Executors = r.NumExecutors }
                : null,
        };
    }

    private static SparkDataFormat WireFormat(DataFormat format) => format switch
    {
        DataFormat.Csv => SparkDataFormat.Csv,
        DataFormat.Json => SparkDataFormat.Json,
        _ => SparkDataFormat.Parquet,
    };

    private TemplateContext TemplateContextFor(TaskNode node, TaskInstanceRecord record, JsonNode? item)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var other in this.nodes.Values)
        {
            if (other.State != TaskInstanceState.Success && !this.assumedOutputs.ContainsKey(other.Task.Id))
            {
                continue;
            }

            foreach (var output in other.Task.Outputs)
            {
                if (this.TaskOutputLocation(other, output.Name) is { } location)
                {
                    outputs[other.Task.Id + "." + output.Name] = location;
                }
            }
        }

        return new TemplateContext
        {
            DagId = this.dag.Id,
            RunId = this.input.RunId,
            TaskId = node.Task.Id,
            LogicalDate = this.input.LogicalDate,
            DataIntervalStart = this.input.DataIntervalStart,
            DataIntervalEnd = this.input.DataIntervalEnd,
            Params = this.parameters,
            Outputs = outputs,
            MapIndex = record.MapIndex,
            Item = item,
        };
    }

    /// <summary>Gets where a finished task's output is: its recorded location, or for a mapped task the folder above its instances.</summary>
    private string? TaskOutputLocation(TaskNode node, string outputName)
    {
        if (node.State != TaskInstanceState.Success && this.assumedOutputs.TryGetValue(node.Task.Id, out var assumed))
        {
            return assumed.TryGetValue(outputName, out var planned) ? planned : null;
        }

        foreach (var record in node.Instances)
        {
            if (record.State == TaskInstanceState.Success && record.Outputs is { } outputs && outputs.TryGetValue(outputName, out var location))
            {
                if (record.MapIndex is { } index)
                {
                    var suffix = string.Create(CultureInfo.InvariantCulture, $"map_index={index}/");
                    return location.EndsWith(suffix, StringComparison.Ordinal) ? location[..^suffix.Length] : location;
                }

                return location;
            }
        }

        return null;
    }

    private string IdempotencyKey(string taskId, int? mapIndex, int attempt)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{this.input.RunId}:{taskId}:{(mapIndex is { } i ? i.ToString(CultureInfo.InvariantCulture) : "x")}:{attempt}");
        return SparkIdempotencyKey.IsValid(key) ? key : SparkIdempotencyKey.Hash(key, 64);
    }

    /// <summary>
    /// Gets the downstream jobs that will run as soon as <paramref name="node"/> succeeds — trigger rule all_success, no
    /// branch upstream, every other upstream already succeeded or itself chained — with their specs rendered as if
    /// their upstreams had succeeded, so the activity can submit them the moment it sees those jobs finished.
    /// </summary>
    private List<ChainedTaskJob> ChainedAfter(TaskNode node, SparkJobSpec spec)
    {
        var chained = new List<ChainedTaskJob>();
        var budget = Math.Min(MaxChained, Math.Max(1, this.dag.MaxActiveTasks) * 8);
        if (this.cancelled)
        {
            return chained;
        }

        this.assumedOutputs[node.Task.Id] = spec.Outputs.ToDictionary(o => o.Name, o => o.Location, StringComparer.Ordinal);
        try
        {
            var frontier = new Queue<string>([node.Task.Id]);
            while (frontier.Count > 0 && chained.Count < budget)
            {
                var parent = frontier.Dequeue();
                foreach (var id in this.graph.DownstreamOf(parent).Order(StringComparer.Ordinal))
                {
                    var next = this.nodes[id];
                    var upstream = this.graph.UpstreamOf(id);
                    if (chained.Count >= budget
                        || this.assumedOutputs.ContainsKey(id)
                        || next.State != TaskInstanceState.None
                        || next.Task.Kind is DagTaskKind.Sensor or DagTaskKind.Branch
                        || next.Task.Expand is not null
                        || next.Settings.TriggerRule != TriggerRule.AllSuccess
                        || this.presubmitted.ContainsKey(id)
                        || upstream.Any(u => this.nodes[u].Task.Kind == DagTaskKind.Branch
                            || (this.nodes[u].State != TaskInstanceState.Success && !this.assumedOutputs.ContainsKey(u))))
                    {
                        continue;
                    }

                    SparkJobSpec nextSpec;
                    try
                    {
                        nextSpec = this.BuildSpec(next, next.Instances[0], null);
                    }
                    catch (TemplateException)
                    {
                        continue;
                    }

                    var after = upstream.Where(this.assumedOutputs.ContainsKey).Order(StringComparer.Ordinal).ToList();
                    chained.Add(new ChainedTaskJob(id, nextSpec, this.IdempotencyKey(id, null, 1), after, next.Settings.Backend));
                    this.assumedOutputs[id] = nextSpec.Outputs.ToDictionary(o => o.Name, o => o.Location, StringComparer.Ordinal);
                    frontier.Enqueue(id);
                }
            }
        }
        finally
        {
            this.assumedOutputs.Clear();
        }

        return chained;
    }

    private async Task CancelAsync(string? reason)
    {
        this.cancelled = true;
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
        var cancels = new List<Task>();
        foreach (var node in this.nodes.Values)
        {
            foreach (var record in node.Instances)
            {
                if (record.State == TaskInstanceState.Running && record.JobKey is { } key && record.JobId is { } jobId && record.Backend is { } backend)
                {
                    cancels.Add(this.context.CallActivityAsync<SparkJobStatus>(nameof(CancelSparkJob), new SparkJobHandle(backend, jobId, key)));
                }
            }
        }

        foreach (var cancel in cancels)
        {
            try
            {
                await cancel;
            }
            catch (TaskFailedException)
            {
                // The run ends failed either way; a job that cannot be cancelled ends on its own.
            }
        }

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
    }

    private void Changed()
    {
        this.statusDirty = true;
        this.PublishIfDirty();
    }

    private void PublishIfDirty()
    {
        // Serializing the status during replay would be thrown away; the first live step after a replay publishes.
        if (!this.statusDirty || this.context.IsReplaying)
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
        Tasks = [.. this.nodes.Values.SelectMany(n => n.Instances)],
    };

    private void StartManifestWriteIfDue()
    {
        if (!this.manifestDirty || this.manifestWrite is not null)
        {
            return;
        }

        this.manifestDirty = false;
        this.manifestWrite = this.context.CallActivityAsync<Dictionary<string, DataSize>>(nameof(WriteRunManifest), new WriteRunManifestInput(this.manifestLocation, this.BuildManifest()));
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
        this.taskHashes ??= DagDefinitionHash.OfTasks(this.input.DagJson);
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
                    ["definitionHash"] = this.taskHashes.GetValueOrDefault(record.TaskId),
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
            ["definitionHash"] = DagDefinitionHash.Of(this.input.DagJson),
            ["error"] = this.runError,
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

    /// <summary>One task of the run: its definition, settings, task-level state and instances.</summary>
    private sealed class TaskNode
    {
        public TaskNode(DagTask task, EffectiveTaskSettings settings)
        {
            this.Task = task;
            this.Settings = settings;
            this.Instances.Add(new TaskInstanceRecord { TaskId = task.Id, State = TaskInstanceState.None });
        }

        public DagTask Task { get; }

        public EffectiveTaskSettings Settings { get; }

        public TaskInstanceState State { get; set; }

        public List<TaskInstanceRecord> Instances { get; } = [];

        public bool Expanded { get; set; }

        public List<string>? Followed { get; set; }
    }
}
