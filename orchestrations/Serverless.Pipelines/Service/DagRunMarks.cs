using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;

namespace Serverless.Pipelines.Service;

/// <summary>Marks a run or one of its tasks success or failed, as an operator does in Airflow.</summary>
internal sealed class DagRunMarks
{
    private readonly DurableTaskClient client;
    private readonly DagRunAnnotations annotations;
    private readonly TimeProvider time;

    public DagRunMarks(DurableTaskClient client, DagRunAnnotations annotations, TimeProvider time)
    {
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
        if (!metadata.IsCompleted)
        {
            // A running orchestration owns its task states; marking it would race the run itself.
            throw new DagRunConflictException($"Run '{runId}' is still {metadata.RuntimeStatus}; mark it when it has finished, or terminate it first.");
        }

        var run = DagRunInfoReader.ToInfo(metadata) ?? throw new DagRunNotFoundException($"Run '{runId}' is not known.");
        if (request.TaskId is { } taskId && !run.Tasks.Any(t => string.Equals(t.Id, taskId, StringComparison.Ordinal)))
        {
            throw new DagRunRequestException($"Run '{runId}' has no task '{taskId}'.", [$"its tasks: {string.Join(", ", run.Tasks.Select(t => t.Id).Distinct(StringComparer.Ordinal))}"]);
        }

        return await this.annotations.MarkAsync(run, new RunMark(request.TaskId, request.State, request.RequestedBy, this.time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }
}
