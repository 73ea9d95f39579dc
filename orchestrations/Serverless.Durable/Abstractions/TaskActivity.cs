namespace Serverless.Durable;

/// <summary>
/// Base class for activities, as in Microsoft.DurableTask. Activities are created per invocation
/// from the service provider, so they take services by constructor.
/// </summary>
/// <remarks>
/// Activities run <b>at least once</b>: a worker that dies after running an activity and before its
/// completion is recorded causes the activity to run again. Make activities idempotent.
/// </remarks>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    /// <inheritdoc/>
    public Type InputType => typeof(TInput);

    /// <summary>Runs the activity.</summary>
    /// <param name="context">The activity context.</param>
    /// <param name="input">The input.</param>
    /// <returns>The output.</returns>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    /// <inheritdoc/>
    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input) =>
        await this.RunAsync(context, (TInput)input!).ConfigureAwait(false);
}
