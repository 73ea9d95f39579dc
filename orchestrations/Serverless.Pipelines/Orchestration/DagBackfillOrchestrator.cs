using Serverless.Durable;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Starts the runs of a backfill as run slots free up: calls <see cref="StartBackfillRuns"/>, waits on a durable
/// timer while runs are still waiting, and ends when every run has been started. Its instance id is derived from the
/// DAG id and the date range, so repeating a backfill joins the running one instead of starting a second.
/// </summary>
public sealed class DagBackfillOrchestrator : TaskOrchestrator<DagBackfillInput, int>
{
    /// <inheritdoc/>
    public override async Task<int> RunAsync(TaskOrchestrationContext context, DagBackfillInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var remaining = input.Remaining;
        var rounds = 0;
        while (remaining.Count > 0)
        {
            remaining = await context.CallActivityAsync<List<BackfillPoint>>(nameof(StartBackfillRuns), input with { Remaining = remaining });
            rounds++;
            if (remaining.Count > 0)
            {
                await context.CreateTimer(input.CheckInterval, CancellationToken.None);
            }
        }

        return rounds;
    }
}
