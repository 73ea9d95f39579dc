using System.Globalization;
using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Scheduling;

namespace Serverless.Pipelines.Service;

/// <summary>
/// Starts backfills: one <see cref="DagBackfillOrchestrator"/> per DAG and range starts the missing runs (and, with
/// <see cref="DagBackfillOptions.Reset"/>, the purged ones again) as slots free up.
/// </summary>
internal sealed class DagBackfills
{
    private readonly DurableTaskClient client;
    private readonly DagRunStarter starter;
    private readonly DagRunLists lists;
    private readonly DagRunAnnotations annotations;
    private readonly DagRunPurges purges;
    private readonly TimeProvider time;

    public DagBackfills(DurableTaskClient client, DagRunStarter starter, DagRunLists lists, DagRunAnnotations annotations, DagRunPurges purges, TimeProvider time)
    {
        this.purges = purges;
        this.client = client;
        this.starter = starter;
        this.lists = lists;
        this.annotations = annotations;
        this.time = time;
    }

    public async Task<IReadOnlyList<DagRunStartResult>> StartAsync(DagDefinition dag, DateTimeOffset from, DateTimeOffset to, int? maxActiveRuns, DagBackfillOptions options, CancellationToken cancellationToken)
    {
        var schedule = DagSchedule.For(dag);
        if (schedule.IsManual)
        {
            throw new DagRunRequestException($"DAG '{dag.Id}' has no schedule, so it has no schedule points to backfill.");
        }

        if (from > to)
        {
            throw new DagRunRequestException($"The backfill range is empty: {from:O} is after {to:O}.");
        }

        var limit = maxActiveRuns ?? dag.MaxActiveRuns;
        if (limit < 1)
        {
            throw new DagRunRequestException("maxActiveRuns must be at least 1.");
        }

        var parameters = DagRunParams.Resolve(dag, options.Params);
        var backfillId = string.Create(CultureInfo.InvariantCulture, $"{dag.Id}__backfill-{from.UtcDateTime:yyyyMMdd'T'HHmmss}-{to.UtcDateTime:yyyyMMdd'T'HHmmss}");
        var points = new List<(string RunId, DateTimeOffset Point, OrchestrationMetadata? Existing)>();
        foreach (var point in schedule.SchedulePoints(from, to))
        {
            var runId = DagRunStarter.RunIdPrefix(dag.Id) + DagRunIds.ForLogicalDate(point);
            points.Add((runId, point, await this.client.GetInstanceAsync(runId, true, cancellationToken).ConfigureAwait(false)));
        }

        if (options.Reset)
        {
            // Refuse before purging anything: a run still going would be purged under its own feet.
            var active = points.Where(p => p.Existing is { IsCompleted: false }).Select(p => p.RunId).ToList();
            if (await this.client.GetInstanceAsync(backfillId, false, cancellationToken).ConfigureAwait(false) is { IsCompleted: false })
            {
                active.Insert(0, backfillId);
            }

            if (active.Count > 0)
            {
                throw new DagRunConflictException($"Cannot reset while these are queued or running: {string.Join(", ", active.Take(20))}. Wait for them or terminate them, then backfill with reset again.");
            }
        }

        var results = new List<DagRunStartResult>();
        var remaining = new List<BackfillPoint>();
        var reset = new List<string>();
        foreach (var (runId, point, existing) in points)
        {
            if (existing is not null && options.Reset)
            {
                // As any purge: its index rows, marks, audit trail and attempt logs go too (the new attempt 1 would
                // otherwise append to the old attempt 1's log); its data stays, the new run overwrites it.
                await this.purges.PurgeAsync(runId, deleteData: false, cancellationToken).ConfigureAwait(false);

                reset.Add(runId);
            }

            var created = existing is null || options.Reset;
            results.Add(new DagRunStartResult(runId, dag.Id, Created: created));
            if (created)
            {
                var interval = schedule.DataIntervalOf(point);
                remaining.Add(new BackfillPoint(runId, interval.Start, interval.Start, interval.End));
            }
        }

        if (remaining.Count == 0)
        {
            return results;
        }

        var now = this.time.GetUtcNow();
        var first = remaining[0];
        var input = new DagBackfillInput
        {
            DagId = dag.Id,
            MaxActiveRuns = limit,
            Template = this.starter.CreateInput(dag.Id, DagJsonExporter.Export(dag), first.RunId, first.LogicalDate, first.DataIntervalStart, first.DataIntervalEnd, parameters) with
            {
                TriggeredBy = DagRunTriggeredBy.Backfill,
                ResetAt = reset.Count > 0 ? now : null,
            },
            Remaining = remaining,
        };
        foreach (var point in remaining)
        {
            // The backfill starts these as its slots free up; listed as queued until then.
            var queued = input.Template with { RunId = point.RunId, LogicalDate = point.LogicalDate, DataIntervalStart = point.DataIntervalStart, DataIntervalEnd = point.DataIntervalEnd };
            await this.lists.RecordStartAsync(queued, now, cancellationToken).ConfigureAwait(false);
            if (reset.Contains(point.RunId))
            {
                await this.annotations.AuditAsync(point.RunId, new RunAuditEntry(now, options.RequestedBy ?? "anonymous", "reset", $"purged and started again by a backfill of {from:O} to {to:O}"), cancellationToken).ConfigureAwait(false);
            }
        }

        try
        {
            // One backfill orchestration per DAG and range; repeating the call while it runs joins it, and runs it
            // already started are found by id above. A reset is a backfill of its own, so it gets an id of its own.
            var id = options.Reset ? string.Create(CultureInfo.InvariantCulture, $"{backfillId}-reset-{now.UtcDateTime:yyyyMMdd'T'HHmmssfff}") : backfillId;
            await this.client.ScheduleNewOrchestrationInstanceAsync(nameof(DagBackfillOrchestrator), input, new StartOrchestrationOptions(id), cancellationToken).ConfigureAwait(false);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // The same range is being backfilled already: that backfill starts these runs.
        }

        return results;
    }
}
