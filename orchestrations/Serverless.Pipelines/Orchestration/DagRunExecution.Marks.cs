using Microsoft.DurableTask;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Spark.Activities;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// An operator's marks on a running run (<see cref="DagRunEvents.Mark"/>), applied by the run itself so that its own
/// record stays the one source of truth, with Airflow's semantics: a task marked success or failed takes that state and
/// its running job is cancelled, and its downstream goes on by trigger rules; a run marked success sets every task not
/// yet successful or skipped to success, a run marked failed fails its running tasks and skips those not started. Either
/// run mark cancels the running jobs and ends the run.
/// </summary>
internal sealed partial class DagRunExecution
{
    private Task<RunMark>? markWaiter;

    // Set when an operator's run mark ended the run: its end then notifies nobody (see DagRunInput.QuietRunMarks).
    private bool endedByRunMark;

    // The tasks an operator marked while the run ran: a mapped one starts no more instances or chunks.
    private readonly HashSet<string> markedTasks = new(StringComparer.Ordinal);

    /// <summary>True once an operator marked the task while the run ran.</summary>
    private bool IsMarked(TaskNode node) => this.markedTasks.Contains(node.Task.Id);

    /// <summary>Gets the waiter for the next mark (one at a time: a second waiter would queue behind the first).</summary>
    private Task<RunMark> NextMark() => this.markWaiter ??= this.context.WaitForExternalEvent<RunMark>(DagRunEvents.Mark);

    /// <summary>True once a record must no longer change: the run was cancelled or an operator marked the record.</summary>
    private bool Stopped(TaskInstanceRecord record) => this.cancelled || record.MarkedBy is not null;

    /// <summary>Applies a mark that arrived while tasks run.</summary>
    /// <param name="running">The task runners; a marked task's runner is dropped, its late results ignored (<see cref="Stopped"/>).</param>
    /// <returns>True when the mark ended the run (a run mark).</returns>
    private async Task<bool> ApplyMarkAsync(Dictionary<Task, string> running)
    {
        var mark = await this.NextMark();
        this.markWaiter = null;
        var taskState = mark.State == DagRunState.Success ? TaskInstanceState.Success : TaskInstanceState.Failed;
        var markedBy = $"marked {(mark.State == DagRunState.Success ? "success" : "failed")} by {mark.By}";
        if (mark.TaskId is null)
        {
            this.cancelled = true;
            this.endedByRunMark = true;
            foreach (var id in this.mapChunks)
            {
                this.context.SendEvent(id, DagRunEvents.Cancel, markedBy);
            }

            var all = this.nodes.Values.SelectMany(n => n.Instances).ToList();
            await this.CancelJobsAsync(all.Where(r => r.State == TaskInstanceState.Running).Concat(this.PresubmittedRecords()));
            var now = this.context.CurrentUtcDateTime;
            foreach (var node in this.nodes.Values)
            {
                foreach (var record in node.Instances)
                {
                    var next = mark.State == DagRunState.Success
                        ? (record.State is TaskInstanceState.Success or TaskInstanceState.Skipped ? record.State : TaskInstanceState.Success)
                        : IsDone(record.State) ? record.State : record.State is TaskInstanceState.Running or TaskInstanceState.UpForRetry ? TaskInstanceState.Failed : TaskInstanceState.Skipped;
                    if (next != record.State)
                    {
                        record.State = next;
                        record.MarkedBy = mark.By;
                        record.Error = next == TaskInstanceState.Failed ? markedBy : null;
                        record.EndedAt ??= now;
                    }
                }

                node.State = node.Task.Expand is null && node.Instances.Count == 1 ? node.Instances[0].State : Aggregate(node.Instances);
            }

            this.runState = mark.State;
            this.runError = mark.State == DagRunState.Success ? null : markedBy;
            this.Changed();
            return true;
        }

        if (!this.nodes.TryGetValue(mark.TaskId, out var marked))
        {
            // The service checks the task; a name from an older definition has nothing to mark.
            return false;
        }

        this.markedTasks.Add(mark.TaskId);

        // The chunks of a mapped task run their instances' jobs themselves: they cancel them and end.
        foreach (var chunk in this.chunkTasks.Where(c => string.Equals(c.Value, mark.TaskId, StringComparison.Ordinal)).Select(c => c.Key))
        {
            this.context.SendEvent(chunk, DagRunEvents.Cancel, markedBy);
        }

        var changed = marked.Instances.Where(r => r.State != taskState).ToList();
        await this.CancelJobsAsync(changed.Where(r => r.State == TaskInstanceState.Running && !this.chunkTasks.ContainsValue(mark.TaskId)));
        var at = this.context.CurrentUtcDateTime;
        foreach (var record in changed)
        {
            record.State = taskState;
            record.MarkedBy = mark.By;
            record.Error = taskState == TaskInstanceState.Failed ? markedBy : null;
            record.EndedAt = at;
        }

        marked.State = taskState;
        this.ready.Remove(this.compiled.Order[mark.TaskId]);
        foreach (var runner in running.Where(r => string.Equals(r.Value, mark.TaskId, StringComparison.Ordinal)).Select(r => r.Key).ToList())
        {
            running.Remove(runner);
        }

        this.Undecide(this.graph.DownstreamOf(mark.TaskId));
        this.Changed();
        return false;
    }

    private IEnumerable<TaskInstanceRecord> PresubmittedRecords() =>
        this.presubmitted.Where(j => !j.Value.Status.IsTerminal).Select(j => new TaskInstanceRecord
        {
            TaskId = j.Key,
            State = TaskInstanceState.Running,
            JobId = j.Value.Handle.JobId,
            Backend = j.Value.Handle.Backend,
            JobKey = j.Value.Handle.IdempotencyKey,
        });

    /// <summary>Cancels the backend jobs of running records, all at once; a job that cannot be cancelled ends on its own.</summary>
    private async Task CancelJobsAsync(IEnumerable<TaskInstanceRecord> records)
    {
        var cancels = new List<Task>();
        foreach (var record in records)
        {
            if (record.JobKey is { } key && record.JobId is { } jobId && record.Backend is { } backend)
            {
                cancels.Add(this.context.CallActivityAsync<SparkJobStatus>(nameof(CancelSparkJob), new SparkJobHandle(backend, jobId, key)));
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
                // The mark holds either way; the backend's own state reports the job.
            }
        }
    }
}
