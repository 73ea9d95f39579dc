using Microsoft.DurableTask;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Runs a backfill: starts each missing run as a sub-orchestration (instance id = the run id the scheduler would
/// use), never more than <see cref="DagBackfillInput.MaxActiveRuns"/> at once, and ends when every run has ended. Its
/// instance id is derived from the DAG id and the date range, so repeating a backfill joins the running one.
/// </summary>
/// <remarks>
/// Sub-orchestrations rather than runs started by an activity: in Azure a durable client exists only as a function
/// binding, so an activity cannot start instances; and a parent learns of a child's end by a message instead of
/// polling. A run that fails does not stop the backfill; its own state says why.
/// </remarks>
public sealed class DagBackfillOrchestrator : TaskOrchestrator<DagBackfillInput, int>
{
    /// <inheritdoc/>
    public override async Task<int> RunAsync(TaskOrchestrationContext context, DagBackfillInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var limit = Math.Max(1, input.MaxActiveRuns);
        var running = new List<Task<DagRunResult>>();
        var succeeded = 0;
        foreach (var point in input.Remaining)
        {
            if (running.Count >= limit)
            {
                var done = await Task.WhenAny(running);
                running.Remove(done);
                succeeded += done.IsCompletedSuccessfully ? 1 : 0;
            }

            var run = input.Template with
            {
                RunId = point.RunId,
                LogicalDate = point.LogicalDate,
                DataIntervalStart = point.DataIntervalStart,
                DataIntervalEnd = point.DataIntervalEnd,
            };
            running.Add(context.CallSubOrchestratorAsync<DagRunResult>(nameof(DagRunOrchestrator), run, new SubOrchestrationOptions(instanceId: point.RunId)));
        }

        foreach (var task in running)
        {
            try
            {
                await task;
                succeeded++;
            }
            catch (TaskFailedException)
            {
                // The run's own state records why it failed.
            }
        }

        return succeeded;
    }
}
