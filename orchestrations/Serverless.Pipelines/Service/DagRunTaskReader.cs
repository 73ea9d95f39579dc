using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Runs.Tasks;

namespace Serverless.Pipelines.Service;

/// <summary>
/// Reads the task records of a run that has no output holding them (still running, or ended without one: failed or
/// terminated) from <see cref="RunTaskStore"/>, since the run's custom status carries counts only.
/// </summary>
internal sealed class DagRunTaskReader
{
    private readonly RunIndexStore index;
    private readonly RunTaskStore store;

    public DagRunTaskReader(RunIndexStore index)
    {
        this.index = index;
        this.store = new RunTaskStore(index);
    }

    /// <summary>
    /// Reads a run from its orchestration's state (<see cref="DagRunInfoReader.ToInfo"/>), with its task records from
    /// the store when they are there, and with its final state once the runs index has it while the run is still
    /// recording it (<see cref="DagRunResult.PendingState"/>).
    /// </summary>
    /// <param name="metadata">The run's orchestration state, with inputs and outputs.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run, or null when the orchestration is not a run.</returns>
    public async Task<DagRunInfo?> ToInfoAsync(OrchestrationMetadata metadata, CancellationToken cancellationToken)
    {
        var run = DagRunInfoReader.ToInfo(metadata, await this.ReadStoredAsync(metadata, cancellationToken).ConfigureAwait(false));
        if (run is not { State: DagRunState.Running, LogicalDate: { } logicalDate }
            || metadata.RuntimeStatus != OrchestrationRuntimeStatus.Running
            || metadata.ReadCustomStatusAs<DagRunResult>() is not { PendingState: { } pending } status)
        {
            return run;
        }

        // The run decided its final state and is recording it: the runs index is what the lists read, so GET run
        // shows the state from the moment the index has it (one point read, only in that short window).
        var row = await this.index.GetAsync(run.DagId, logicalDate, run.RunId, cancellationToken).ConfigureAwait(false);
        return row?.State == pending
            ? run with { State = pending, EndedAt = status.PendingEndedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : row.EndedAt }
            : run;
    }

    /// <summary>Reads the stored records when the run keeps them there and its output does not hold them.</summary>
    /// <param name="metadata">The run's orchestration state, with inputs and outputs.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The records, or null when the run's status or output is where they are (runs of the old shape, finished runs).</returns>
    public async Task<IReadOnlyList<TaskInstanceRecord>?> ReadStoredAsync(OrchestrationMetadata metadata, CancellationToken cancellationToken)
    {
        if (!string.Equals(metadata.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal)
            || !AreStored(metadata.ReadCustomStatusAs<DagRunResult>(), metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? metadata.ReadOutputAs<DagRunResult>() : null))
        {
            return null;
        }

        var rows = await this.store.ReadAsync(metadata.InstanceId, cancellationToken).ConfigureAwait(false);
        return TaskRecordJson.DeserializeAll(rows);
    }

    /// <summary>Gets whether a run's task records are to be read from the store: it writes them there, and neither its status (a settled run's holds every record) nor its output holds them.</summary>
    /// <param name="status">The run's custom status; one of the old shape (every record in it) never sets <see cref="DagRunResult.TasksStored"/>.</param>
    /// <param name="output">The run's output, when it completed.</param>
    /// <returns>True to read the store.</returns>
    internal static bool AreStored(DagRunResult? status, DagRunResult? output) =>
        status is { TasksStored: true, Tasks.Count: 0 } && output is not { Tasks.Count: > 0 };
}
