using Serverless.Durable;
using Serverless.Pipelines.Service;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Durable activity: starts as many of a backfill's remaining runs as the DAG's free run slots allow (runs that
/// already exist count as done) and returns the runs still waiting.
/// </summary>
/// <remarks>Idempotent: a run id is started only when no instance with it exists.</remarks>
public sealed class StartBackfillRuns : TaskActivity<DagBackfillInput, List<BackfillPoint>>
{
    private readonly DagRunStarter starter;

    /// <summary>Initializes a new instance of the <see cref="StartBackfillRuns"/> class.</summary>
    /// <param name="starter">Starts runs.</param>
    public StartBackfillRuns(DagRunStarter starter) => this.starter = starter;

    /// <inheritdoc/>
    public override async Task<List<BackfillPoint>> RunAsync(TaskActivityContext context, DagBackfillInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var free = input.MaxActiveRuns - await this.starter.CountActiveAsync(input.DagId, context.CancellationToken).ConfigureAwait(false);
        var remaining = new List<BackfillPoint>();
        foreach (var point in input.Remaining)
        {
            if (free <= 0)
            {
                remaining.Add(point);
                continue;
            }

            var run = this.starter.CreateInput(input.DagId, input.DagJson, point.RunId, point.LogicalDate, point.DataIntervalStart, point.DataIntervalEnd, input.Params);
            if (await this.starter.StartIfAbsentAsync(run, context.CancellationToken).ConfigureAwait(false))
            {
                free--;
            }
        }

        return remaining;
    }
}
