using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Scheduling;
using Serverless.Pipelines.Validation;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Service;

/// <summary>
/// Runs DAGs on the durable engine: one <see cref="DagRunOrchestrator"/> instance per run, instance id = run id.
/// Derived run ids are <c>{dagId}__scheduled-{yyyyMMddTHHmmssZ}</c> (scheduler and backfill, from the logical date)
/// and <c>{dagId}__manual-{guid}</c> (triggered without an id), so they are unique across DAGs and repeatable.
/// </summary>
public sealed class DagRunService : IDagRunService
{
    private static readonly OrchestrationRuntimeStatus[] FinishedStatuses = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
    private readonly DagCatalog catalog;
    private readonly DagRunStarter starter;
    private readonly DurableTaskClient client;
    private readonly StorageAccount account;
    private readonly PipelineOptions options;
    private readonly string dataContainer;
    private readonly DagScheduleStore schedules;
    private readonly DagStateStore dagStates;
    private readonly DagRunLists lists;
    private readonly DagRunAnnotations annotations;
    private readonly DagRunTaskReader taskReader;
    private readonly TimeProvider time;

    /// <summary>Initializes a new instance of the <see cref="DagRunService"/> class.</summary>
    /// <param name="catalog">The DAG catalog.</param>
    /// <param name="starter">Starts runs once per id.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="account">The storage account.</param>
    /// <param name="options">The pipeline options.</param>
    /// <param name="sparkOptions">The Spark options (data container).</param>
    /// <param name="index">The runs index.</param>
    /// <param name="time">The clock.</param>
    public DagRunService(DagCatalog catalog, DagRunStarter starter, DurableTaskClient client, StorageAccount account, IOptions<PipelineOptions> options, IOptions<SparkOptions> sparkOptions, RunIndexStore index, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sparkOptions);
        ArgumentNullException.ThrowIfNull(account);
        this.catalog = catalog;
        this.starter = starter;
        this.client = client;
        this.account = account;
        this.options = options.Value;
        this.dataContainer = sparkOptions.Value.DataContainer;
        this.schedules = new DagScheduleStore(account);
        this.dagStates = new DagStateStore(account);
        this.lists = new DagRunLists(index, client);
        this.annotations = new DagRunAnnotations(index);
        this.taskReader = new DagRunTaskReader(index);
        this.time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public IReadOnlyList<DagLoadResult> ListDags() => this.catalog.GetAll();

    /// <inheritdoc/>
    public DagDefinition? FindDag(string dagId) => this.catalog.Find(dagId);

    /// <inheritdoc/>
    public Task RefreshDagsAsync(CancellationToken cancellationToken = default) => this.catalog.RefreshAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<DagRunStartResult> TriggerAsync(string dagId, DagRunTrigger trigger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var dag = await this.RequireDagAsync(dagId, cancellationToken).ConfigureAwait(false);
        var parameters = ResolveParams(dag, trigger.Params);
        var schedule = DagSchedule.For(dag);
        DateTimeOffset logicalDate;
        DataInterval interval;
        if (trigger.LogicalDate is { } given && !schedule.IsManual)
        {
            interval = schedule.DataIntervalOf(given);
            logicalDate = TimeZoneInfo.ConvertTime(given, schedule.TimeZone);
        }
        else
        {
            logicalDate = TimeZoneInfo.ConvertTime(trigger.LogicalDate ?? this.time.GetUtcNow(), schedule.TimeZone);
            interval = schedule.ManualDataInterval(logicalDate);
        }

        string runId;
        if (trigger.RunId is { } chosen)
        {
            try
            {
                runId = DagRunIds.Manual(chosen);
            }
            catch (ArgumentException error)
            {
                throw new DagRunRequestException(error.Message.Split(" (Parameter", 2)[0]);
            }
        }
        else
        {
            runId = DagRunStarter.RunIdPrefix(dag.Id) + DagRunIds.Manual();
        }

        if (await this.client.GetInstanceAsync(runId, true, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return new DagRunStartResult(runId, this.RequireSameDag(existing, dag.Id), Created: false);
        }

        var input = this.starter.CreateInput(dag.Id, DagJsonExporter.Export(dag), runId, logicalDate, interval.Start, interval.End, parameters) with { TriggeredBy = DagRunTriggeredBy.Manual };
        var created = await this.StartAsync(input, cancellationToken).ConfigureAwait(false);
        return new DagRunStartResult(runId, dag.Id, created);
    }

    /// <inheritdoc/>
    public async Task<DagRunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (!DagRunIds.IsValid(runId, out _))
        {
            return null;
        }

        var metadata = await this.client.GetInstanceAsync(runId, true, cancellationToken).ConfigureAwait(false);
        var stored = metadata is null ? null : await this.taskReader.ReadStoredAsync(metadata, cancellationToken).ConfigureAwait(false);
        return metadata is not null && ToInfo(metadata, stored) is { } run ? await this.annotations.ReadAsync(run, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <inheritdoc/>
    public async Task<DagRunInfo> MarkAsync(string runId, DagRunMarkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.State is not (DagRunState.Success or DagRunState.Failed))
        {
            throw new DagRunRequestException("A run or task can be marked success or failed only.");
        }

        var metadata = await this.RequireRunAsync(runId, true, cancellationToken).ConfigureAwait(false);
        if (!metadata.IsCompleted)
        {
            // A running orchestration owns its task states; marking it would race the run itself.
            throw new DagRunConflictException($"Run '{runId}' is still {metadata.RuntimeStatus}; mark it when it has finished, or terminate it first.");
        }

        var run = ToInfo(metadata) ?? throw new DagRunNotFoundException($"Run '{runId}' is not known.");
        if (request.TaskId is { } taskId && !run.Tasks.Any(t => string.Equals(t.Id, taskId, StringComparison.Ordinal)))
        {
            throw new DagRunRequestException($"Run '{runId}' has no task '{taskId}'.", [$"its tasks: {string.Join(", ", run.Tasks.Select(t => t.Id).Distinct(StringComparer.Ordinal))}"]);
        }

        return await this.annotations.MarkAsync(run, new RunMark(request.TaskId, request.State, request.RequestedBy, this.time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<DagRunPage> ListRunsAsync(DagRunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return this.lists.ListRunsAsync(query, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<RunIndexPage<IndexedTaskInstance>> ListTaskInstancesAsync(TaskInstanceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return this.lists.ListTaskInstancesAsync(query, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task TerminateAsync(string runId, string? reason, CancellationToken cancellationToken = default)
    {
        var metadata = await this.RequireRunAsync(runId, false, cancellationToken).ConfigureAwait(false);
        if (metadata.IsCompleted)
        {
            throw new DagRunConflictException($"Run '{runId}' already finished ({metadata.RuntimeStatus}).");
        }

        if (metadata.RuntimeStatus == OrchestrationRuntimeStatus.Pending)
        {
            // Not started: no task runs yet, so there is nothing to cancel on a backend.
            await this.client.TerminateInstanceAsync(runId, reason ?? "terminated", cancellationToken).ConfigureAwait(false);
            if (await this.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is { State: DagRunState.Failed } ended)
            {
                await this.lists.RecordAsync(ended, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // The run handles the event itself: it cancels the jobs of its running tasks, then ends failed.
        await this.client.RaiseEventAsync(runId, DagRunEvents.Cancel, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task RaiseEventAsync(string runId, string eventName, JsonElement? payload, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(eventName) || eventName.Length > 200 || string.Equals(eventName, DagRunEvents.Cancel, StringComparison.OrdinalIgnoreCase))
        {
            throw new DagRunRequestException($"'{eventName}' is not an event name a run accepts.");
        }

        var metadata = await this.RequireRunAsync(runId, false, cancellationToken).ConfigureAwait(false);
        if (metadata.IsCompleted)
        {
            throw new DagRunConflictException($"Run '{runId}' already finished ({metadata.RuntimeStatus}).");
        }

        await this.client.RaiseEventAsync(runId, eventName, payload, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<DagRunStartResult> RerunAsync(string runId, DagRerunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metadata = await this.RequireRunAsync(runId, true, cancellationToken).ConfigureAwait(false);
        if (!metadata.IsCompleted)
        {
            throw new DagRunConflictException($"Run '{runId}' is still {metadata.RuntimeStatus}; rerun it when it has finished.");
        }

        var input = metadata.ReadInputAs<DagRunInput>() ?? throw new DagRunConflictException($"Run '{runId}' has no input to rerun from.");
        var previous = metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? metadata.ReadOutputAs<DagRunResult>() : metadata.ReadCustomStatusAs<DagRunResult>();
        var original = DagFileLoader.Load(input.DagJson, input.DagId + ".json").Dag ?? throw new DagRunConflictException($"The DAG of run '{runId}' can no longer be read.");
        var dag = original;
        var dagJson = input.DagJson;
        if (!request.UseOriginalDefinition)
        {
            // As Airflow's clear: the file as it is now, so a fix to the SQL is what runs.
            dag = await this.catalog.FindAsync(input.DagId, cancellationToken).ConfigureAwait(false)
                ?? throw new DagNotFoundException($"DAG '{input.DagId}' is not loaded now (or its file has problems); rerun with \"definition\": \"original\" to use the definition run '{runId}' pinned.");
            dagJson = DagJsonExporter.Export(dag);
        }

        var graph = new DagGraph(dag);
        // Marks count as the tasks' states: a task marked success is reused, one marked failed runs again.
        var records = DagRunAnnotations.Apply(previous?.Tasks ?? [], await this.annotations.MarksAsync(runId, cancellationToken).ConfigureAwait(false));
        IEnumerable<string> clear;
        if (request.Tasks is { Count: > 0 } chosen)
        {
            var unknown = chosen.Where(t => dag.FindTask(t) is null).ToList();
            if (unknown.Count > 0)
            {
                throw new DagRunRequestException("Unknown tasks.", unknown.Select(t => $"task '{t}' is not in DAG '{dag.Id}'").ToList());
            }

            // As Airflow's clear: upstream adds the tasks' ancestors to the selection.
            clear = request.Upstream ? chosen.Concat(chosen.SelectMany(graph.AncestorsOf)).Distinct(StringComparer.Ordinal).ToList() : chosen;
        }
        else if (request.OnlyFailed)
        {
            var succeeded = records.GroupBy(r => r.TaskId, StringComparer.Ordinal)
                .Where(g => g.All(r => r.State is TaskInstanceState.Success or TaskInstanceState.Skipped))
                .Select(g => g.Key)
                .ToHashSet(StringComparer.Ordinal);
            clear = dag.Tasks.Select(t => t.Id).Where(id => !succeeded.Contains(id));
        }
        else
        {
            clear = dag.Tasks.Select(t => t.Id);
        }

        // A task whose definition changed (or is new) is not reused: it runs again, with everything downstream.
        var before = DagDefinitionHash.OfTasks(input.DagJson);
        var now = DagDefinitionHash.OfTasks(dagJson);
        var changed = now.Where(t => before.GetValueOrDefault(t.Key) != t.Value).Select(t => t.Key);
        var cleared = (request.Downstream ? graph.DownstreamClosure(clear) : clear).Concat(graph.DownstreamClosure(changed)).ToHashSet(StringComparer.Ordinal);
        if (cleared.Count == 0)
        {
            throw new DagRunRequestException($"Run '{runId}' has no failed tasks to rerun; name the tasks to rerun.");
        }

        var reused = records.Where(r => !cleared.Contains(r.TaskId) && now.ContainsKey(r.TaskId)).ToList();
        var baseId = RerunBase(runId);
        string newId;
        var n = 1;
        while (true)
        {
            newId = string.Create(CultureInfo.InvariantCulture, $"{baseId}-rerun-{n}");
            if (!DagRunIds.IsValid(newId, out var error))
            {
                throw new DagRunRequestException(error!);
            }

            if (await this.client.GetInstanceAsync(newId, false, cancellationToken).ConfigureAwait(false) is null)
            {
                break;
            }

            n++;
        }

        var rerun = input with
        {
            DagJson = dagJson,
            RunId = newId,
            RerunOf = runId,
            TriggeredBy = DagRunTriggeredBy.Rerun,
            Reused = reused,
            FirstPollInterval = this.options.FirstPollInterval,
            MaxPollInterval = this.options.MaxPollInterval,
        };
        var created = await this.StartAsync(rerun, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            var by = request.RequestedBy ?? "anonymous";
            var at = this.time.GetUtcNow();
            var what = string.Join(", ", graph.TopologicalOrder.Where(cleared.Contains));
            var flags = $"downstream {(request.Downstream ? "on" : "off")}, upstream {(request.Upstream ? "on" : "off")}, definition {(request.UseOriginalDefinition ? "original" : "current")}";
            await this.annotations.AuditAsync(runId, new RunAuditEntry(at, by, "clear", $"cleared {what} ({flags}) into run {newId}"), cancellationToken).ConfigureAwait(false);
            await this.annotations.AuditAsync(newId, new RunAuditEntry(at, by, "cleared-from", $"rerun of {runId}: {what} ({flags})"), cancellationToken).ConfigureAwait(false);
        }

        return new DagRunStartResult(newId, input.DagId, created);
    }

    /// <inheritdoc/>
    public async Task<bool> PurgeAsync(string runId, bool deleteData, CancellationToken cancellationToken = default)
    {
        if (!DagRunIds.IsValid(runId, out _))
        {
            return false;
        }

        var metadata = await this.client.GetInstanceAsync(runId, true, cancellationToken).ConfigureAwait(false);
        if (metadata is null || !string.Equals(metadata.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal))
        {
            return false;
        }

        if (!metadata.IsCompleted)
        {
            throw new DagRunConflictException($"Run '{runId}' is still {metadata.RuntimeStatus}; terminate it first.");
        }

        var input = metadata.ReadInputAs<DagRunInput>();
        await this.client.PurgeInstanceAsync(runId, cancellationToken).ConfigureAwait(false);
        if (input is not null)
        {
            await this.lists.DeleteAsync(input, cancellationToken).ConfigureAwait(false);
        }

        if (deleteData && input is not null)
        {
            var container = this.account.Blobs.GetBlobContainerClient(input.DataContainer);
            var prefix = $"{input.DagId}/{runId}/";
            try
            {
                await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
                {
                    await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Azure.RequestFailedException error) when (error.Status == 404)
            {
                // No data container: nothing to delete.
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DagRunStartResult>> BackfillAsync(string dagId, DateTimeOffset from, DateTimeOffset to, int? maxActiveRuns, DagBackfillOptions? options = null, CancellationToken cancellationToken = default)
    {
        var dag = await this.RequireDagAsync(dagId, cancellationToken).ConfigureAwait(false);
        return await new DagBackfills(this.client, this.starter, this.lists, this.annotations, this.time)
            .StartAsync(dag, from, to, maxActiveRuns, options ?? new DagBackfillOptions(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> StartDueRunsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var started = new List<string>();
        foreach (var result in await this.catalog.GetAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (result.ActiveDag is not { Schedule: not null } dag)
            {
                continue;
            }

            var schedule = DagSchedule.For(dag);
            if (schedule.IsManual)
            {
                continue;
            }

            if (await this.dagStates.IsPausedAsync(dag, this.options.DagsArePausedAtCreation, cancellationToken).ConfigureAwait(false))
            {
                // Paused: nothing is due and the schedule marker stays, so unpausing runs what catchup says.
                continue;
            }

            var last = await this.schedules.GetLastLogicalDateAsync(dag.Id, cancellationToken).ConfigureAwait(false);
            var due = schedule.DueLogicalDates(last, now);
            if (due.Count == 0)
            {
                continue;
            }

            var active = await DagRunStarter.CountActiveAsync(this.client, dag.Id, cancellationToken).ConfigureAwait(false);
            var parameters = ResolveParams(dag, null);
            string? dagJson = null;
            DateTimeOffset? handled = null;
            foreach (var point in due)
            {
                if (active >= dag.MaxActiveRuns)
                {
                    break;
                }

                var runId = DagRunStarter.RunIdPrefix(dag.Id) + DagRunIds.ForLogicalDate(point);
                var interval = schedule.DataIntervalOf(point);
                dagJson ??= DagJsonExporter.Export(dag);
                var input = this.starter.CreateInput(dag.Id, dagJson, runId, interval.Start, interval.Start, interval.End, parameters) with { TriggeredBy = DagRunTriggeredBy.Schedule };
                if (await this.StartAsync(input, cancellationToken).ConfigureAwait(false))
                {
                    started.Add(runId);
                    active++;
                }

                handled = point;
            }

            if (handled is { } advanced)
            {
                await this.schedules.AdvanceAsync(dag.Id, advanced, cancellationToken).ConfigureAwait(false);
            }
        }

        return started;
    }

    /// <inheritdoc/>
    public async Task<bool> IsPausedAsync(string dagId, CancellationToken cancellationToken = default)
    {
        var dag = await this.RequireDagAsync(dagId, cancellationToken).ConfigureAwait(false);
        return await this.dagStates.IsPausedAsync(dag, this.options.DagsArePausedAtCreation, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task SetPausedAsync(string dagId, bool paused, string changedBy, CancellationToken cancellationToken = default)
    {
        var dag = await this.RequireDagAsync(dagId, cancellationToken).ConfigureAwait(false);
        await this.dagStates.SetPausedAsync(dag.Id, paused, changedBy, this.time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<int> PurgeFinishedRunsAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default)
    {
        var filter = new PurgeInstancesFilter(CreatedFrom: null, CreatedTo: finishedBefore.UtcDateTime, Statuses: FinishedStatuses);
        var result = await this.client.PurgeAllInstancesAsync(filter, cancellationToken).ConfigureAwait(false);
        return result.PurgedInstanceCount;
    }

    /// <summary>Validates supplied params against the DAG's declarations and applies the defaults.</summary>
    internal static JsonObject ResolveParams(DagDefinition dag, JsonObject? supplied)
    {
        var values = supplied?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var problems = DagValidator.ValidateRunParams(dag, values);
        if (problems.Count > 0)
        {
            throw new DagRunRequestException($"The params of DAG '{dag.Id}' are invalid.", problems.Select(p => $"{p.Path}: {p.Message}").ToList());
        }

        var resolved = new JsonObject();
        foreach (var (name, value) in DagValidator.ResolveRunParams(dag, values))
        {
            resolved[name] = value?.DeepClone();
        }

        return resolved;
    }

    private static string RerunBase(string runId)
    {
        var marker = runId.LastIndexOf("-rerun-", StringComparison.Ordinal);
        return marker > 0 && int.TryParse(runId.AsSpan(marker + 7), NumberStyles.None, CultureInfo.InvariantCulture, out _) ? runId[..marker] : runId;
    }

    /// <summary>Reads a run from its orchestration's state; <paramref name="stored"/> are its task records when they are kept outside it (<see cref="DagRunTaskReader"/>).</summary>
    internal static DagRunInfo? ToInfo(OrchestrationMetadata metadata, IReadOnlyList<TaskInstanceRecord>? stored = null)
    {
        if (!string.Equals(metadata.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal))
        {
            return null;
        }

        var input = metadata.ReadInputAs<DagRunInput>();
        var taskHashes = input?.DagJson is { } json ? DagDefinitionHash.OfTasks(json) : new Dictionary<string, string>();
        var result = metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed
            ? metadata.ReadOutputAs<DagRunResult>() ?? metadata.ReadCustomStatusAs<DagRunResult>()
            : metadata.ReadCustomStatusAs<DagRunResult>();
        var state = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Pending => DagRunState.Queued,
            OrchestrationRuntimeStatus.Completed => result?.State ?? DagRunState.Success,
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => DagRunState.Failed,
            _ => result?.State == DagRunState.Queued ? DagRunState.Queued : DagRunState.Running, // queued: waiting for a run slot
        };
        var error = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Failed => metadata.FailureDetails?.ErrorMessage ?? "the run failed",
            OrchestrationRuntimeStatus.Terminated => "terminated" + (metadata.ReadOutputAs<string>() is { Length: > 0 } reason ? ": " + reason : string.Empty),
            _ => result?.Error,
        };
        var tasks = stored ?? result?.Tasks ?? [];
        var started = tasks.Where(t => t.StartedAt is not null).Select(t => (DateTime?)t.StartedAt).Min();
        return new DagRunInfo
        {
            RunId = metadata.InstanceId,
            DagId = input?.DagId ?? result?.DagId ?? metadata.InstanceId.Split("__", 2)[0],
            State = state,
            LogicalDate = input?.LogicalDate,
            Params = input?.Params,
            CreatedAt = metadata.CreatedAt,
            StartedAt = started is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)) : (state == DagRunState.Queued ? null : metadata.CreatedAt),
            EndedAt = metadata.IsCompleted ? metadata.LastUpdatedAt : null,
            Error = error,
            RerunOf = input?.RerunOf ?? result?.RerunOf,
            Deadline = Utc(result?.Deadline),
            DeadlineMissed = result?.DeadlineMissed ?? false,
            Tasks = tasks.Select(t => new TaskInstanceInfo
            {
                Id = t.TaskId,
                State = t.State,
                MapIndex = t.MapIndex,
                Attempts = t.Attempts,
                StartedAt = Utc(t.StartedAt),
                EndedAt = Utc(t.EndedAt),
                JobId = t.JobId,
                Outputs = t.Outputs ?? [],
                Error = t.Error,
                Reused = t.Reused,
                Chained = t.Chained,
                Values = t.Values,
                DefinitionHash = taskHashes.GetValueOrDefault(t.TaskId),
            }).ToList(),
            DefinitionHash = input?.DagJson is { } pinned ? DagDefinitionHash.Of(pinned) : null,
            TriggeredBy = input?.TriggeredBy,
        };
    }

    private async Task<bool> StartAsync(DagRunInput input, CancellationToken cancellationToken)
    {
        var created = await DagRunStarter.StartIfAbsentAsync(this.client, input, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            await this.lists.RecordStartAsync(input, this.time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return created;
    }

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private async Task<DagDefinition> RequireDagAsync(string dagId, CancellationToken cancellationToken) =>
        await this.catalog.FindAsync(dagId, cancellationToken).ConfigureAwait(false)
        ?? throw new DagNotFoundException($"DAG '{dagId}' is not known (or its file has problems; see the DAG list).");

    private async Task<OrchestrationMetadata> RequireRunAsync(string runId, bool withInputs, CancellationToken cancellationToken)
    {
        if (DagRunIds.IsValid(runId, out _)
            && await this.client.GetInstanceAsync(runId, withInputs, cancellationToken).ConfigureAwait(false) is { } metadata
            && string.Equals(metadata.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal))
        {
            return metadata;
        }

        throw new DagRunNotFoundException($"Run '{runId}' is not known.");
    }

    private string RequireSameDag(OrchestrationMetadata existing, string dagId)
    {
        _ = this.options;
        var existingDag = string.Equals(existing.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal) ? existing.ReadInputAs<DagRunInput>()?.DagId : null;
        return string.Equals(existingDag, dagId, StringComparison.Ordinal)
            ? dagId
            : throw new DagRunConflictException($"Run id '{existing.InstanceId}' is already used by {(existingDag is null ? "another orchestration" : $"DAG '{existingDag}'")}.");
    }
}
