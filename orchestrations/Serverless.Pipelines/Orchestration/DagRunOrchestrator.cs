using Microsoft.DurableTask;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// The generic DAG orchestrator: one instance is one DAG run (instance id = run id). It fans out every ready task up
/// to the DAG's max active tasks, applies trigger rules with skip propagation and upstream_failed, retries on durable
/// timers, runs sensors, branches and mapped tasks, submits Spark jobs and polls them on durable timers, reports every
/// task instance through the custom status, writes the run manifest to Blob as tasks finish, and handles
/// <see cref="DagRunEvents.Cancel"/> by cancelling in-flight jobs. Its output is the final <see cref="DagRunResult"/>.
/// </summary>
public sealed class DagRunOrchestrator : TaskOrchestrator<DagRunInput, DagRunResult>
{
    /// <inheritdoc/>
    public override Task<DagRunResult> RunAsync(TaskOrchestrationContext context, DagRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);

        return new DagRunExecution(context, input, CompiledDag.Of(input)).RunAsync();
    }
}
