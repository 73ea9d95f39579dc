using Microsoft.Extensions.Logging;

namespace Serverless.Durable;

/// <summary>
/// What orchestrator code uses to schedule work, as in Microsoft.DurableTask. Every awaitable it
/// returns is resolved from history when the orchestration is replayed, so orchestrator code runs
/// the same way every time.
/// </summary>
public abstract class TaskOrchestrationContext
{
    /// <summary>Gets the orchestrator name.</summary>
    public abstract string Name { get; }

    /// <summary>Gets the instance id.</summary>
    public abstract string InstanceId { get; }

    /// <summary>Gets the id of the current execution (changes on ContinueAsNew and on restart).</summary>
    public abstract string ExecutionId { get; }

    /// <summary>Gets the parent's instance id when this is a sub-orchestration; otherwise null.</summary>
    public abstract string? ParentInstanceId { get; }

    /// <summary>Gets a value indicating whether the code is being replayed from history.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>Gets the current time, deterministic across replays (the time the current episode started).</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>Schedules an activity and returns its output.</summary>
    /// <typeparam name="TResult">The output type.</typeparam>
    /// <param name="name">The activity name (use <c>nameof</c>).</param>
    /// <param name="input">The input, serialized as JSON.</param>
    /// <param name="options">Retry options.</param>
    /// <returns>The output.</returns>
    /// <exception cref="TaskFailedException">The activity failed (after every retry).</exception>
    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <summary>Schedules an activity that returns nothing.</summary>
    /// <param name="name">The activity name.</param>
    /// <param name="input">The input.</param>
    /// <param name="options">Retry options.</param>
    /// <returns>A task that completes when the activity has.</returns>
    public Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null) =>
        this.CallActivityAsync<object?>(name, input, options);

    /// <summary>Starts a sub-orchestration and returns its output.</summary>
    /// <typeparam name="TResult">The output type.</typeparam>
    /// <param name="orchestratorName">The orchestrator name.</param>
    /// <param name="input">The input.</param>
    /// <param name="options">The child's instance id and retry options.</param>
    /// <returns>The child's output.</returns>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null);

    /// <summary>Starts a sub-orchestration that returns nothing.</summary>
    /// <param name="orchestratorName">The orchestrator name.</param>
    /// <param name="input">The input.</param>
    /// <param name="options">Options.</param>
    /// <returns>A task that completes with the child.</returns>
    public Task CallSubOrchestratorAsync(string orchestratorName, object? input = null, TaskOptions? options = null) =>
        this.CallSubOrchestratorAsync<object?>(orchestratorName, input, options);

    /// <summary>Creates a durable timer that fires at <paramref name="fireAt"/>, even if no worker runs at that moment.</summary>
    /// <param name="fireAt">When it fires (UTC).</param>
    /// <param name="cancellationToken">Cancels the wait (the timer itself stays scheduled and is ignored when it fires).</param>
    /// <returns>A task that completes when the timer fires.</returns>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>Creates a durable timer that fires after <paramref name="delay"/>.</summary>
    /// <param name="delay">The delay.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the timer fires.</returns>
    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) =>
        this.CreateTimer(this.CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>Waits for an event raised by a client with <c>DurableTaskClient.RaiseEventAsync</c>.</summary>
    /// <typeparam name="T">The event payload type.</typeparam>
    /// <param name="eventName">The event name (case-insensitive).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The payload.</returns>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an event, or throws <see cref="TimeoutException"/> after <paramref name="timeout"/> (a durable timer).</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The payload.</returns>
    public async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource();
        Task<T> eventTask = this.WaitForExternalEvent<T>(eventName, cts.Token);
        Task timer = this.CreateTimer(timeout, cts.Token);
        Task winner = await Task.WhenAny(eventTask, timer);

        // Cancel synchronously: CancelAsync would continue on the thread pool, outside the replay
        // scheduler, and the orchestration would never see the continuation.
#pragma warning disable CA1849
        cts.Cancel();
#pragma warning restore CA1849
        if (winner == eventTask)
        {
            return await eventTask;
        }

        throw new TimeoutException($"Event '{eventName}' was not raised within {timeout}.");
    }

    /// <summary>Restarts the orchestration with new input and a fresh history, once the current code returns.</summary>
    /// <param name="newInput">The new input.</param>
    /// <param name="preserveUnprocessedEvents">Keep raised events not yet consumed for the next generation. The default is true.</param>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>Sets a JSON-serializable status that clients see in <c>OrchestrationMetadata.SerializedCustomStatus</c>.</summary>
    /// <param name="customStatus">The status, or null to clear it.</param>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>Returns a new GUID that is the same on every replay (name-based, from the instance id and a counter).</summary>
    /// <returns>The GUID.</returns>
    public abstract Guid NewGuid();

    /// <summary>Creates a logger that writes only when the code is not replaying, so each message appears once.</summary>
    /// <param name="categoryName">The category.</param>
    /// <returns>The logger.</returns>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    /// <summary>Creates a replay-safe logger named after <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The category type.</typeparam>
    /// <returns>The logger.</returns>
    public ILogger CreateReplaySafeLogger<T>() => this.CreateReplaySafeLogger(typeof(T).FullName!);
}
