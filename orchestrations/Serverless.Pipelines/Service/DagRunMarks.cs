using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;

namespace Serverless.Pipelines.Service;

/// <summary>Marks a run or one of its tasks success or failed, as an operator does in Airflow.</summary>
internal sealed class DagRunMarks
{
    // The run applies a mark in its next step, normally well under a second; the caller waits that long, not forever.
    private static readonly TimeSpan AppliedWithin = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly DurableTaskClient client;
    private readonly DagRunAnnotations annotations;
    private readonly TimeProvider time;
    private readonly DagRunTaskReader tasks;

    public DagRunMarks(DurableTaskClient client, DagRunAnnotations annotations, TimeProvider time, DagRunTaskReader tasks)
    {
        this.tasks = tasks;
        this.client = client;
        this.annotations = annotations;
        this.time = time;
    }

    /// <summary>Marks a run or one of its tasks; see <see cref="IDagRunService.MarkAsync"/>.</summary>
    public async Task<DagRunInfo> MarkAsync(string runId, DagRunMarkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.State is not (DagRunState.Success or DagRunState.Failed))
        {
            throw new DagRunRequestException("A run or task can be marked success or failed only.");
        }

        var metadata = await DagRunInfoReader.RequireRunAsync(this.client, runId, true, cancellationToken).ConfigureAwait(false);
        var run = await this.tasks.ToInfoAsync(metadata, cancellationToken).ConfigureAwait(false) ?? throw new DagRunNotFoundException($"Run '{runId}' is not known.");
        if (request.TaskId is { } taskId && !run.Tasks.Any(t => string.Equals(t.Id, taskId, StringComparison.Ordinal)))
        {
            throw new DagRunRequestException($"Run '{runId}' has no task '{taskId}'.", [$"its tasks: {string.Join(", ", run.Tasks.Select(t => t.Id).Distinct(StringComparer.Ordinal))}"]);
        }

        var mark = new RunMark(request.TaskId, request.State, request.RequestedBy, this.time.GetUtcNow());
        if (DagRunInfoReader.IsSettled(metadata, run))
        {
            // A finished orchestration's output cannot change: the mark is kept beside it and applied wherever it is read.
            return await this.annotations.MarkAsync(run, mark, cancellationToken).ConfigureAwait(false);
        }

        if (run.State == DagRunState.Queued)
        {
            throw new DagRunConflictException($"Run '{runId}' is queued and has started no task; terminate it instead, or mark it once it runs.");
        }

        return await this.MarkRunningAsync(run, mark, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// True when a run shows a mark: a run mark sets its state, a task mark every instance of the task. A read that
    /// shows none of the task's instances (its records not yet in the task store) does not show the mark.
    /// </summary>
    private static bool Shows(DagRunInfo run, RunMark mark)
    {
        var taskState = mark.State == DagRunState.Success ? TaskInstanceState.Success : TaskInstanceState.Failed;
        return mark.TaskId is null
            ? run.State == mark.State && run.EndedAt is not null
            : run.Tasks.Where(t => t.Id == mark.TaskId).ToList() is { Count: > 0 } instances && instances.All(t => t.State == taskState);
    }

    /// <summary>
    /// Hands the mark to the running run, which applies it itself and cancels the jobs it stops (its record stays the
    /// one source of truth), then waits a moment for it to show. A run that ended before it saw the mark gets the mark
    /// kept beside it, as a finished run does.
    /// </summary>
    private async Task<DagRunInfo> MarkRunningAsync(DagRunInfo run, RunMark mark, CancellationToken cancellationToken)
    {
        await this.client.RaiseEventAsync(run.RunId, DagRunEvents.Mark, mark, cancellationToken).ConfigureAwait(false);
        var waitUntil = this.time.GetUtcNow() + AppliedWithin;
        while (true)
        {
            var metadata = await this.client.GetInstanceAsync(run.RunId, true, cancellationToken).ConfigureAwait(false);
            var now = metadata is null ? null : await this.tasks.ToInfoAsync(metadata, cancellationToken).ConfigureAwait(false);
            if (now is not null && Shows(now, mark))
            {
                await this.annotations.AuditAsync(run.RunId, new RunAuditEntry(mark.At, mark.By, "mark", $"{What(mark)} while the run was running"), cancellationToken).ConfigureAwait(false);
                return await this.annotations.ReadAsync(now, cancellationToken).ConfigureAwait(false);
            }

            if (now is not null && metadata!.IsCompleted)
            {
                return await this.annotations.MarkAsync(now, mark, cancellationToken).ConfigureAwait(false);
            }

            if (this.time.GetUtcNow() >= waitUntil)
            {
                await this.annotations.AuditAsync(run.RunId, new RunAuditEntry(mark.At, mark.By, "mark", $"{What(mark)} requested while the run was running; the run applies it when it next steps"), cancellationToken).ConfigureAwait(false);
                return now ?? run;
            }

            await Task.Delay(PollInterval, this.time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string What(RunMark mark) => $"{(mark.TaskId is null ? "run" : $"task '{mark.TaskId}'")} marked {(mark.State == DagRunState.Success ? "success" : "failed")}";
}
