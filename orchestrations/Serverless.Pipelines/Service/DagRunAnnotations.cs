using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;

namespace Serverless.Pipelines.Service;

/// <summary>
/// Marks and audit trails of runs (<see cref="RunAnnotationStore"/>): applied to a run when it is read, to the runs
/// index when a mark is set, and to the records a rerun decides from.
/// </summary>
internal sealed class DagRunAnnotations
{
    private readonly RunAnnotationStore store;
    private readonly RunIndexStore index;

    public DagRunAnnotations(RunIndexStore index)
    {
        this.index = index;
        this.store = new RunAnnotationStore(index);
    }

    /// <summary>Applies marks to a run: a run mark sets its state (success also every unfinished or failed task); a task mark sets every instance of the task.</summary>
    public static DagRunInfo Apply(DagRunInfo run, IReadOnlyList<RunMark> marks)
    {
        foreach (var mark in marks)
        {
            var taskState = mark.State == DagRunState.Success ? TaskInstanceState.Success : TaskInstanceState.Failed;
            if (mark.TaskId is null)
            {
                run = run with
                {
                    State = mark.State,
                    MarkedBy = mark.By,
                    Error = mark.State == DagRunState.Success ? null : run.Error ?? $"marked failed by {mark.By}",
                    Tasks = mark.State == DagRunState.Success
                        ? run.Tasks.Select(t => t.State is TaskInstanceState.Success or TaskInstanceState.Skipped ? t : t with { State = taskState, MarkedBy = mark.By }).ToList()
                        : run.Tasks,
                };
            }
            else
            {
                run = run with { Tasks = run.Tasks.Select(t => t.Id == mark.TaskId ? t with { State = taskState, MarkedBy = mark.By, Error = taskState == TaskInstanceState.Success ? null : t.Error } : t).ToList() };
            }
        }

        return run;
    }

    /// <summary>Applies marks to the task records a rerun reuses or clears, as <see cref="Apply(DagRunInfo, IReadOnlyList{RunMark})"/> does to a run.</summary>
    public static List<TaskInstanceRecord> Apply(IEnumerable<TaskInstanceRecord> records, IReadOnlyList<RunMark> marks)
    {
        var result = records.Select(r => r with { }).ToList();
        foreach (var mark in marks)
        {
            var taskState = mark.State == DagRunState.Success ? TaskInstanceState.Success : TaskInstanceState.Failed;
            foreach (var record in result.Where(r => mark.TaskId is null ? mark.State == DagRunState.Success && r.State is not (TaskInstanceState.Success or TaskInstanceState.Skipped) : r.TaskId == mark.TaskId))
            {
                record.State = taskState;
            }
        }

        return result;
    }

    public async Task<DagRunInfo> ReadAsync(DagRunInfo run, CancellationToken cancellationToken)
    {
        var (marks, audit) = await this.store.ReadAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        return Apply(run, marks) with { Audit = audit };
    }

    public async Task<IReadOnlyList<RunMark>> MarksAsync(string runId, CancellationToken cancellationToken) =>
        (await this.store.ReadAsync(runId, cancellationToken).ConfigureAwait(false)).Marks;

    /// <summary>Stores a mark and its audit entry, then records the marked run in the runs index so lists show it.</summary>
    public async Task<DagRunInfo> MarkAsync(DagRunInfo run, RunMark mark, CancellationToken cancellationToken)
    {
        await this.store.SetMarkAsync(run.RunId, mark, cancellationToken).ConfigureAwait(false);
        var what = mark.TaskId is null ? "run" : $"task '{mark.TaskId}'";
        await this.store.AddAuditAsync(run.RunId, new RunAuditEntry(mark.At, mark.By, "mark", $"{what} marked {(mark.State == DagRunState.Success ? "success" : "failed")}"), cancellationToken).ConfigureAwait(false);
        var marked = await this.ReadAsync(run, cancellationToken).ConfigureAwait(false);
        await this.index.RecordAsync(DagRunLists.FromInfo(marked), cancellationToken).ConfigureAwait(false);
        return marked;
    }

    public Task AuditAsync(string runId, RunAuditEntry entry, CancellationToken cancellationToken) => this.store.AddAuditAsync(runId, entry, cancellationToken);

    public Task DagAuditAsync(string dagId, RunAuditEntry entry, CancellationToken cancellationToken) => this.store.AddDagAuditAsync(dagId, entry, cancellationToken);

    public Task<IReadOnlyList<RunAuditEntry>> ReadDagAuditAsync(string dagId, int max, CancellationToken cancellationToken) => this.store.ReadDagAuditAsync(dagId, max, cancellationToken);
}
