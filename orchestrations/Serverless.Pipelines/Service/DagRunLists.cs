using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;

namespace Serverless.Pipelines.Service;

/// <summary>
/// The run and task-instance lists, read from the runs index (<see cref="RunIndexStore"/>) and kept true by it: a
/// row not yet final is checked against the task hub as it is listed, and a run that ended without its own activity
/// recording it (terminated while queued, or failed in the engine) is recorded then.
/// </summary>
internal sealed class DagRunLists
{
    /// <summary>The most unfinished rows a list filtered on a final state checks against the task hub first.</summary>
    private const int MaxRefreshedBeforeFilter = 100;

    private readonly RunIndexStore index;
    private readonly DurableTaskClient client;

    public DagRunLists(RunIndexStore index, DurableTaskClient client)
    {
        this.index = index;
        this.client = client;
    }

    public static RunIndexEntry FromInfo(DagRunInfo run) => new()
    {
        RunId = run.RunId,
        DagId = run.DagId,
        LogicalDate = run.LogicalDate ?? run.CreatedAt,
        State = run.State,
        TriggeredBy = run.TriggeredBy,
        RerunOf = run.RerunOf,
        CreatedAt = run.CreatedAt,
        StartedAt = run.StartedAt,
        EndedAt = run.EndedAt,
        Error = run.Error,
        DeadlineMissed = run.DeadlineMissed,
        Tasks = run.Tasks.Select(t => new RunIndexTask(t.Id, t.MapIndex, t.State, t.Attempts, t.StartedAt, t.EndedAt, t.Reused)).ToList(),
    };

    /// <summary>Writes the row of a run just started (queued), unless its own activity already wrote a newer one.</summary>
    public Task RecordStartAsync(DagRunInput input, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        this.index.AddIfAbsentAsync(
            new RunIndexEntry
            {
                RunId = input.RunId,
                DagId = input.DagId,
                LogicalDate = input.LogicalDate,
                State = DagRunState.Queued,
                TriggeredBy = input.TriggeredBy,
                RerunOf = input.RerunOf,
                CreatedAt = createdAt,
            },
            cancellationToken);

    /// <summary>Starts a run once per id and, when this call created it, writes its queued row.</summary>
    public async Task<bool> StartAsync(DagRunInput input, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var created = await DagRunStarter.StartIfAbsentAsync(this.client, input, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            await this.RecordStartAsync(input, createdAt, cancellationToken).ConfigureAwait(false);
        }

        return created;
    }

    /// <summary>Adds a run's rows unless it has them (the index backfill: a row the run wrote itself is newer).</summary>
    public Task AddAsync(RunIndexEntry entry, CancellationToken cancellationToken) => this.index.AddIfAbsentAsync(entry, cancellationToken);

    public Task RecordAsync(DagRunInfo run, CancellationToken cancellationToken) => this.index.RecordAsync(FromInfo(run), cancellationToken);

    public Task DeleteAsync(DagRunInput input, CancellationToken cancellationToken) => this.index.DeleteAsync(input.DagId, input.LogicalDate, input.RunId, cancellationToken);

    public async Task<DagRunPage> ListRunsAsync(DagRunQuery query, CancellationToken cancellationToken)
    {
        if (query.State is DagRunState.Success or DagRunState.Failed && query.Continuation is null)
        {
            // A row still saying queued or running may belong to a run that ended without its activity recording it
            // (terminated, failed in the engine): the filter on the final state would never list it. Its row is made
            // true first, so the filtered query finds it. Bounded: the newest unfinished rows only.
            foreach (var unfinished in await this.index.ListUnfinishedAsync(query.DagId, query.From, query.To, MaxRefreshedBeforeFilter, cancellationToken).ConfigureAwait(false))
            {
                await this.RefreshAsync(unfinished, cancellationToken).ConfigureAwait(false);
            }
        }

        RunIndexPage<RunIndexEntry> page;
        try
        {
            page = await this.index.ListAsync(new RunIndexQuery(query.DagId, query.State, query.From, query.To, query.Continuation, query.PageSize), cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException error)
        {
            throw new DagRunRequestException("'continuation' is not a token this list returned; start again without it.", [error.Message]);
        }

        var runs = new List<DagRunInfo>(page.Items.Count);
        foreach (var entry in page.Items)
        {
            var current = entry.IsFinished ? entry : await this.RefreshAsync(entry, cancellationToken).ConfigureAwait(false);

            // A row filtered as queued or running whose run is found ended is not what was asked for.
            if (query.State is not { } state || current.State == state)
            {
                runs.Add(ToInfo(current));
            }
        }

        return new DagRunPage(runs, page.Continuation);
    }

    public async Task<RunIndexPage<IndexedTaskInstance>> ListTaskInstancesAsync(TaskInstanceQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return await this.index.ListTaskInstancesAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException error)
        {
            throw new DagRunRequestException("'continuation' is not a token this list returned; start again without it.", [error.Message]);
        }
    }

    private static DagRunInfo ToInfo(RunIndexEntry entry) => new()
    {
        RunId = entry.RunId,
        DagId = entry.DagId,
        State = entry.State,
        LogicalDate = entry.LogicalDate,
        CreatedAt = entry.CreatedAt ?? entry.StartedAt ?? entry.LogicalDate,
        StartedAt = entry.StartedAt,
        EndedAt = entry.EndedAt,
        TriggeredBy = entry.TriggeredBy,
        RerunOf = entry.RerunOf,
        Error = entry.Error,
        DeadlineMissed = entry.DeadlineMissed,
        Tasks = (entry.Tasks ?? []).Select(t => new TaskInstanceInfo
        {
            Id = t.Id,
            MapIndex = t.MapIndex,
            State = t.State,
            Attempts = t.Attempts,
            StartedAt = t.StartedAt,
            EndedAt = t.EndedAt,
            Reused = t.Reused,
        }).ToList(),
    };

    private async Task<RunIndexEntry> RefreshAsync(RunIndexEntry entry, CancellationToken cancellationToken)
    {
        var metadata = await this.client.GetInstanceAsync(entry.RunId, false, cancellationToken).ConfigureAwait(false);
        switch (metadata?.RuntimeStatus)
        {
            case null:
                // Started a moment ago (the row is written first by some callers) or purged without its row.
                return entry;
            case OrchestrationRuntimeStatus.Pending:
                return entry with { State = DagRunState.Queued };
            case OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended:
                return entry with { State = DagRunState.Running };
            default:
                var full = await this.client.GetInstanceAsync(entry.RunId, true, cancellationToken).ConfigureAwait(false);
                if (full is null || DagRunInfoReader.ToInfo(full) is not { } info)
                {
                    return entry;
                }

                var recorded = FromInfo(info) with { CreatedAt = entry.CreatedAt ?? info.CreatedAt, TriggeredBy = entry.TriggeredBy ?? info.TriggeredBy };
                await this.index.RecordAsync(recorded, cancellationToken).ConfigureAwait(false);
                return recorded;
        }
    }
}
