using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Diagnostics;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Templating;
using Serverless.Spark.Activities;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>Job tasks of <see cref="DagRunExecution"/>: one attempt's submit and poll, the job spec with its rendered templates and data locations, and fast-job chaining.</summary>
internal sealed partial class DagRunExecution
{
    /// <summary>Runs one attempt's job, holding its pool slots when its pool is limited (<see cref="RunInPoolAsync"/>).</summary>
    /// <returns><see langword="null"/> on success, else the error.</returns>
    private Task<string?> RunJobAttemptAsync(TaskNode node, TaskInstanceRecord record, JsonNode? item, int attempt, SparkJobSpec spec) =>
        this.TakesPoolSlots(node)
            ? this.RunInPoolAsync(node, record, attempt, () => this.RunJobAttemptCoreAsync(node, record, item, attempt, spec))
            : this.RunJobAttemptCoreAsync(node, record, item, attempt, spec);

    /// <summary>Runs one attempt's job: submit, then wait for its end (pushed, or polled on durable timers) or the attempt's timeout.</summary>
    /// <returns><see langword="null"/> on success, else the error.</returns>
    private async Task<string?> RunJobAttemptCoreAsync(TaskNode node, TaskInstanceRecord record, JsonNode? item, int attempt, SparkJobSpec spec)
    {
        _ = item;
        var attemptStart = this.context.CurrentUtcDateTime;
        var key = this.IdempotencyKey(node.Task.Id, record.MapIndex, attempt);
        StartedTaskJob started;
        var chainedSubmit = false;
        if (attempt == 1 && record.MapIndex is null && this.presubmitted.Remove(node.Task.Id, out var early))
        {
            chainedSubmit = true;
            // Submitted by the upstream's activity the moment the upstream finished (same spec, same key). The run
            // starts this task only after that activity returned, so the job's own times replace the run's.
            started = early;
            record.Chained = true;
            record.StartedAt = early.SubmittedAt ?? record.StartedAt;
            record.JobEndedAt = early.SeenEndedAt;
        }
        else
        {
            var chained = record.MapIndex is null && this.input.ChainFastJobs ? this.ChainedAfter(node, spec) : [];
            started = await this.submits.SubmitAsync(new StartTaskJobInput(spec, key)
            {
                TaskId = node.Task.Id,
                Backend = node.Settings.Backend,
                Chained = chained,
                Log = this.AttemptLog(node.Task.Id, record.MapIndex, attempt),
                ScheduledAt = this.context.CurrentUtcDateTime,
                RunId = this.input.RunId,
                JobRecord = this.TakeRecord(record),
                Records = this.submits.Collecting ? null : this.TakeChangedRecords(Runs.Tasks.RunTaskStore.MaxBatch - 1),
                MaxRunning = Math.Max(0, Math.Max(1, this.dag.MaxActiveTasks) - this.activeTasks - this.presubmitted.Values.Count(j => !j.Status.IsTerminal)),
            });
            foreach (var job in started.Chained)
            {
                this.presubmitted[job.TaskId!] = job;
            }

            // Its chained jobs were submitted after this job ended there, before the activity returned.
            record.JobEndedAt = started.SeenEndedAt;
            record.JobId = started.Handle.JobId;
            record.Backend = started.Handle.Backend;

            // The activity wrote the record with these.
            this.MarkTaken(record);
        }

        if (attempt == 1)
        {
            PipelineTelemetry.JobSubmitted(this.context, this.dag.Id, node.Task.Id, this.UpstreamSeenEnded(node.Task.Id), chainedSubmit);
        }

        var handle = started.Handle;
        record.JobId = handle.JobId;
        record.Backend = handle.Backend;
        record.JobKey = handle.IdempotencyKey;
        this.Changed(record);
        var status = started.Status;
        var timeout = node.Settings.ExecutionTimeout;
        DateTime? deadline = timeout is { } limit ? attemptStart + limit : null;
        var ended = await this.WaitForJobEndAsync(handle, status, started.Pushed, deadline);
        if (this.cancelled)
        {
            return "cancelled";
        }

        if (ended is null)
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

        status = ended;

        if (status.State != SparkJobState.Succeeded)
        {
            return status.Message is { Length: > 0 } message ? $"job {handle.JobId} {status.State}: {message}" : $"job {handle.JobId} ended {status.State}";
        }

        record.RowsWritten = status.RowsWritten;
        record.Outputs = spec.Outputs.ToDictionary(o => o.Name, o => o.Location, StringComparer.Ordinal);
        record.Inputs = spec.Inputs.ToDictionary(i => i.Name, i => i.Location, StringComparer.Ordinal);
        return null;
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
                var available = this.TaskOutputLocation(upstream, taskInput.FromOutput!);
                if (available is null && taskInput.Optional)
                {
                    // An optional input of an upstream that did not succeed (a skipped branch arm): no view; the SQL
                    // tests for it with {% if outputs['task'] is defined %}.
                    continue;
                }

                location = available
                    ?? throw new TemplateException($"input '{taskInput.Name}': the output '{taskInput.From}' is not available (task {upstream.State}); mark the input 'optional: true' to run without it");
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
            PreviousLogicalDate = this.Neighbours.Previous,
            NextLogicalDate = this.Neighbours.Next,
            Params = this.parameters,
            Outputs = outputs,
            TaskValues = this.PublishedValues(),
            Variables = this.TemplateVariables(),
            SecretVariables = this.variables.Secrets.ToHashSet(StringComparer.Ordinal),
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

    /// <summary>Appends one orchestrator decision to an attempt's log; a log that cannot be written never fails the task.</summary>
    private async Task LogDecisionAsync(TaskNode node, TaskInstanceRecord record, int attempt, string line)
    {
        try
        {
            await this.context.CallActivityAsync<bool>(nameof(AppendTaskLog), new AppendTaskLogInput(this.AttemptLog(node.Task.Id, record.MapIndex, attempt), [line]));
        }
        catch (TaskFailedException)
        {
            // The activity reports its own storage failures; the decision stands either way.
        }
    }

    private TaskAttemptLogTarget AttemptLog(string taskId, int? mapIndex, int attempt) =>
        new(this.input.DataContainer, this.dag.Id, this.input.RunId, taskId, mapIndex, attempt);

    private string IdempotencyKey(string taskId, int? mapIndex, int attempt)
    {
        var reset = this.input.ResetAt is { } at ? string.Create(CultureInfo.InvariantCulture, $":r{at.UtcTicks}") : string.Empty;
        var key = string.Create(CultureInfo.InvariantCulture, $"{this.input.RunId}:{taskId}:{(mapIndex is { } i ? i.ToString(CultureInfo.InvariantCulture) : "x")}:{attempt}{reset}");
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
                        || this.TakesPoolSlots(next)
                        || next.Settings.TriggerRule != TriggerRule.AllSuccess
                        || this.presubmitted.ContainsKey(id)
                        || upstream.Any(u => this.nodes[u].Task.Values.Count > 0)
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
                    chained.Add(new ChainedTaskJob(id, nextSpec, this.IdempotencyKey(id, null, 1), after, next.Settings.Backend) { Log = this.AttemptLog(id, null, 1) });
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

    /// <summary>Gets when the run saw the last of a task's upstream tasks end, or <see langword="null"/> for a task with no upstream.</summary>
    private DateTime? UpstreamSeenEnded(string taskId)
    {
        DateTime? last = null;
        foreach (var upstream in this.graph.UpstreamOf(taskId))
        {
            foreach (var instance in this.nodes[upstream].Instances)
            {
                if (instance.EndedAt is { } ended && (last is null || ended > last))
                {
                    last = ended;
                }
            }
        }

        return last;
    }
}
