using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Notifications;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Scheduling;
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
    private readonly RunIndexStore index;
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
        this.index = index;
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
        var parameters = DagRunParams.Resolve(dag, trigger.Params);
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
            return new DagRunStartResult(runId, RequireSameDag(existing, dag.Id), Created: false);
        }

        var input = this.starter.CreateInput(dag.Id, DagJsonExporter.Export(dag), runId, logicalDate, interval.Start, interval.End, parameters) with { TriggeredBy = DagRunTriggeredBy.Manual };
        var created = await this.lists.StartAsync(input, this.time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (created && trigger.RequestedBy is { } by)
        {
            var entry = new RunAuditEntry(this.time.GetUtcNow(), by, "trigger", $"run {runId} triggered for {logicalDate:O}");
            await this.annotations.AuditAsync(runId, entry, cancellationToken).ConfigureAwait(false);
            await this.annotations.DagAuditAsync(dag.Id, entry, cancellationToken).ConfigureAwait(false);
        }

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
        return metadata is not null && await this.taskReader.ToInfoAsync(metadata, cancellationToken).ConfigureAwait(false) is { } run ? await this.annotations.ReadAsync(run, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <inheritdoc/>
    public Task<DagRunInfo> MarkAsync(string runId, DagRunMarkRequest request, CancellationToken cancellationToken = default) =>
        new DagRunMarks(this.client, this.annotations, this.time, this.taskReader).MarkAsync(runId, request, cancellationToken);

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
    public async Task TerminateAsync(string runId, string? reason, string requestedBy, CancellationToken cancellationToken = default)
    {
        var metadata = await DagRunInfoReader.RequireRunAsync(this.client, runId, true, cancellationToken).ConfigureAwait(false);
        if (metadata.IsCompleted || (DagRunInfoReader.ToInfo(metadata) is { } run && DagRunInfoReader.IsSettled(metadata, run)))
        {
            throw new DagRunConflictException($"Run '{runId}' already finished ({metadata.RuntimeStatus}).");
        }

        var detail = string.IsNullOrWhiteSpace(reason) ? "terminated" : "terminated: " + reason;
        await this.annotations.AuditAsync(runId, new RunAuditEntry(this.time.GetUtcNow(), requestedBy, "terminate", detail), cancellationToken).ConfigureAwait(false);
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
        // The serverless. names are the run's own (cancel, mark, job ends): only the service raises them.
        if (string.IsNullOrWhiteSpace(eventName) || eventName.Length > 200 || eventName.StartsWith(DagRunEvents.ReservedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new DagRunRequestException($"'{eventName}' is not an event name a run accepts.");
        }

        var metadata = await DagRunInfoReader.RequireRunAsync(this.client, runId, false, cancellationToken).ConfigureAwait(false);
        if (metadata.IsCompleted)
        {
            throw new DagRunConflictException($"Run '{runId}' already finished ({metadata.RuntimeStatus}).");
        }

        await this.client.RaiseEventAsync(runId, eventName, payload, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<DagRunStartResult> RerunAsync(string runId, DagRerunRequest request, CancellationToken cancellationToken = default) =>
        new DagReruns(this.catalog, this.client, this.starter, this.lists, this.annotations, this.time).StartAsync(runId, request, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> PurgeAsync(string runId, bool deleteData, CancellationToken cancellationToken = default) =>
        new DagRunPurges(this.client, this.account, this.lists).PurgeAsync(runId, deleteData, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DagRunStartResult>> BackfillAsync(string dagId, DateTimeOffset from, DateTimeOffset to, int? maxActiveRuns, DagBackfillOptions? options = null, CancellationToken cancellationToken = default)
    {
        var dag = await this.RequireDagAsync(dagId, cancellationToken).ConfigureAwait(false);
        options ??= new DagBackfillOptions();
        var started = await new DagBackfills(this.client, this.starter, this.lists, this.annotations, new DagRunPurges(this.client, this.account, this.lists), this.time)
            .StartAsync(dag, from, to, maxActiveRuns, options, cancellationToken).ConfigureAwait(false);
        if (options.RequestedBy is { } by)
        {
            var detail = string.Create(CultureInfo.InvariantCulture, $"{from:O} to {to:O}: {started.Count} point(s), {started.Count(s => s.Created)} new{(options.Reset ? ", reset" : string.Empty)}");
            await this.annotations.DagAuditAsync(dag.Id, new RunAuditEntry(this.time.GetUtcNow(), by, "backfill", detail), cancellationToken).ConfigureAwait(false);
        }

        return started;
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
            var parameters = DagRunParams.Resolve(dag, null);
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
                if (await this.lists.StartAsync(input, this.time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
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
    public Task<RunIndexBackfillCursor> BackfillRunIndexAsync(CancellationToken cancellationToken = default) =>
        new DagRunIndexBackfill(this.client, this.index, this.lists).StepAsync(cancellationToken);

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
        var at = this.time.GetUtcNow();
        await this.dagStates.SetPausedAsync(dag.Id, paused, changedBy, at, cancellationToken).ConfigureAwait(false);
        await this.annotations.DagAuditAsync(dag.Id, new RunAuditEntry(at, changedBy, paused ? "pause" : "unpause", paused ? "the scheduler skips the DAG" : "the scheduler runs the DAG again"), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<NotificationDeadLetterRow>> ListDeadLettersAsync(string dagId, string? runId, CancellationToken cancellationToken = default)
    {
        if (!DagIdentifiers.IsValidDagId(dagId))
        {
            throw new DagRunRequestException($"'{dagId}' is not a valid DAG id.");
        }

        if (runId is not null && !DagRunIds.IsValid(runId, out var error))
        {
            throw new DagRunRequestException(error!);
        }

        return new NotificationDeadLetterStore(this.account).ListAsync(dagId, runId, 200, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RunAuditEntry>> GetDagAuditAsync(string dagId, CancellationToken cancellationToken = default)
    {
        var dag = await this.RequireDagAsync(dagId, cancellationToken).ConfigureAwait(false);
        return await this.annotations.ReadDagAuditAsync(dag.Id, 50, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<int> PurgeFinishedRunsAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default) =>
        new DagRunPurges(this.client, this.account, this.lists).PurgeFinishedRunsAsync(finishedBefore, cancellationToken);

    private async Task<DagDefinition> RequireDagAsync(string dagId, CancellationToken cancellationToken) =>
        await this.catalog.FindAsync(dagId, cancellationToken).ConfigureAwait(false)
        ?? throw new DagNotFoundException($"DAG '{dagId}' is not known (or its file has problems; see the DAG list).");

    private static string RequireSameDag(OrchestrationMetadata existing, string dagId)
    {
        var existingDag = string.Equals(existing.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal) ? existing.ReadInputAs<DagRunInput>()?.DagId : null;
        return string.Equals(existingDag, dagId, StringComparison.Ordinal)
            ? dagId
            : throw new DagRunConflictException($"Run id '{existing.InstanceId}' is already used by {(existingDag is null ? "another orchestration" : $"DAG '{existingDag}'")}.");
    }
}
