namespace Serverless.Durable;

/// <summary>
/// Base class for orchestrators, as in Microsoft.DurableTask. The engine replays <see cref="RunAsync"/>
/// from history after every event, so the code must be deterministic: take time, ids and randomness
/// from the <see cref="TaskOrchestrationContext"/>, do I/O only in activities, and never use
/// <c>ConfigureAwait(false)</c>, <c>Task.Run</c> or threads.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    /// <inheritdoc/>
    public Type InputType => typeof(TInput);

    /// <summary>Runs the orchestration.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The input.</param>
    /// <returns>The output.</returns>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    /// <inheritdoc/>
    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await this.RunAsync(context, (TInput)input!);
}
