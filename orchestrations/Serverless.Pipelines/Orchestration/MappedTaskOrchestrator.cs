using Microsoft.DurableTask;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Runs one chunk of a mapped task's instances for <see cref="DagRunOrchestrator"/> (at most
/// <see cref="DagRunInput.MapChunkSize"/> of them), with the same attempts, retries, push and poll as the run itself,
/// and returns their records. Its instance id is <c>{runId}--map-{taskId}-{chunk}</c>; it handles
/// <see cref="DagRunEvents.Cancel"/>, which the run forwards when it is cancelled.
/// </summary>
public sealed class MappedTaskOrchestrator : TaskOrchestrator<MapChunkInput, List<TaskInstanceRecord>>
{
    /// <inheritdoc/>
    public override Task<List<TaskInstanceRecord>> RunAsync(TaskOrchestrationContext context, MapChunkInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return new DagRunExecution(context, input.Run, CompiledDag.Of(input.Run), chunk: true).RunMapChunkAsync(input);
    }
}
