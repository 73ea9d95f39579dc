using Microsoft.Extensions.Logging;
using Serverless.Durable.History;

namespace Serverless.Durable.Replay;

/// <summary>
/// The <see cref="TaskOrchestrationContext"/> the executor hands to orchestrator code. Each scheduling
/// call records an action (the history event it will become) and returns a task the executor
/// completes when the matching result event is applied.
/// </summary>
internal sealed class OrchestrationContextImpl : TaskOrchestrationContext
{
    private readonly DataConverter converter;
    private readonly ILoggerFactory loggerFactory;
    private readonly Dictionary<int, OpenTask> openTasks = [];
    private readonly Dictionary<string, LinkedList<TaskCompletionSource<string?>>> eventWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<string?>> bufferedEvents = new(StringComparer.OrdinalIgnoreCase);
    private int nextTaskId;
    private int guidCounter;

    public OrchestrationContextImpl(string instanceId, ExecutionStartedEvent started, DataConverter converter, ILoggerFactory loggerFactory)
    {
        this.InstanceId = instanceId;
        this.Started = started;
        this.converter = converter;
        this.loggerFactory = loggerFactory;
    }

    public ExecutionStartedEvent Started { get; }

    /// <summary>Gets the actions recorded since the last time they were taken, in creation order.</summary>
    public List<HistoryEvent> PendingActions { get; } = [];

    public string? CustomStatusJson { get; private set; }

    public bool ContinueAsNewRequested { get; private set; }

    public string? ContinueAsNewInput { get; private set; }

    public bool PreserveUnprocessedEvents { get; private set; }

    public override string Name => this.Started.Name;

    public override string InstanceId { get; }

    public override string ExecutionId => this.Started.ExecutionId;

    public override string? ParentInstanceId => this.Started.ParentInstanceId;

    public override bool IsReplaying => this.IsReplayingInternal;

    public bool IsReplayingInternal { get; set; }

    public override DateTime CurrentUtcDateTime => this.CurrentUtc;

    public DateTime CurrentUtc { get; set; }

    /// <summary>Gets the events raised but not consumed by a waiter, for ContinueAsNew with preserved events.</summary>
    public IEnumerable<EventRaisedEvent> UnconsumedEvents =>
        this.bufferedEvents.SelectMany(kv => kv.Value.Select(input => new EventRaisedEvent(kv.Key, input)));

    public override async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string? inputJson = this.converter.Serialize(input);
        string? result = await this.WithRetry(options?.Retry, () =>
        {
            int id = this.nextTaskId++;
            this.PendingActions.Add(new TaskScheduledEvent(id, name, inputJson) { Timestamp = this.CurrentUtc });
            return this.Open(id, name, OpenTaskKind.Activity);
        });
        return this.converter.Deserialize<TResult>(result)!;
    }

    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        string? inputJson = this.converter.Serialize(input);
        string? explicitId = (options as SubOrchestrationOptions)?.InstanceId;
        string? result = await this.WithRetry(options?.Retry, () =>
        {
            int id = this.nextTaskId++;
            string childId = explicitId ?? $"{this.InstanceId}:{id}";
            this.PendingActions.Add(new SubOrchestrationCreatedEvent(id, orchestratorName, childId, inputJson) { Timestamp = this.CurrentUtc });
            return this.Open(id, orchestratorName, OpenTaskKind.SubOrchestration);
        });
        return this.converter.Deserialize<TResult>(result)!;
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        int id = this.nextTaskId++;
        DateTime utc = fireAt.Kind == DateTimeKind.Local ? fireAt.ToUniversalTime() : DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        this.PendingActions.Add(new TimerCreatedEvent(id, utc) { Timestamp = this.CurrentUtc });
        Task<string?> task = this.Open(id, "timer", OpenTaskKind.Timer);
        if (cancellationToken.CanBeCanceled)
        {
            TaskCompletionSource<string?> source = this.openTasks[id].Completion;

            // Cancellation callbacks run synchronously on the thread that cancels, which is the
            // orchestrator's own thread (contexts cancel with Cancel(), never CancelAsync()).
            cancellationToken.Register(() => source.TrySetCanceled(cancellationToken));
        }

        return task;
    }

    public override async Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        if (this.bufferedEvents.TryGetValue(eventName, out Queue<string?>? buffered) && buffered.Count > 0)
        {
            string? payload = buffered.Dequeue();
            return this.converter.Deserialize<T>(payload)!;
        }

        var source = new TaskCompletionSource<string?>();
        if (!this.eventWaiters.TryGetValue(eventName, out var waiters))
        {
            waiters = new LinkedList<TaskCompletionSource<string?>>();
            this.eventWaiters[eventName] = waiters;
        }

        LinkedListNode<TaskCompletionSource<string?>> node = waiters.AddLast(source);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (node.List is not null)
                {
                    waiters.Remove(node);
                }

                source.TrySetCanceled(cancellationToken);
            });
        }

        string? json = await source.Task;
        return this.converter.Deserialize<T>(json)!;
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        this.ContinueAsNewRequested = true;
        this.ContinueAsNewInput = this.converter.Serialize(newInput);
        this.PreserveUnprocessedEvents = preserveUnprocessedEvents;
    }

    public override void SetCustomStatus(object? customStatus) => this.CustomStatusJson = this.converter.Serialize(customStatus);

    public override Guid NewGuid() =>
        DeterministicGuid.Create($"{this.InstanceId}_{this.CurrentUtc:o}_{this.guidCounter++}");

    public override ILogger CreateReplaySafeLogger(string categoryName) =>
        new ReplaySafeLogger(this.loggerFactory.CreateLogger(categoryName), () => this.IsReplayingInternal);

    /// <summary>Completes the task a result event belongs to; returns false when no open task has that id.</summary>
    public bool TryComplete(int taskId, string? result)
    {
        if (!this.openTasks.Remove(taskId, out OpenTask? open))
        {
            return false;
        }

        open.Completion.TrySetResult(result);
        return true;
    }

    /// <summary>Fails the task a failure event belongs to; returns false when no open task has that id.</summary>
    public bool TryFail(int taskId, TaskFailureDetails failure)
    {
        if (!this.openTasks.Remove(taskId, out OpenTask? open))
        {
            return false;
        }

        open.Completion.TrySetException(new TaskFailedException(open.Name, taskId, failure));
        return true;
    }

    /// <summary>Hands a raised event to the oldest waiter, or keeps it for a later wait.</summary>
    public void RaiseEvent(string name, string? input)
    {
        if (this.eventWaiters.TryGetValue(name, out var waiters) && waiters.First is { } first)
        {
            waiters.RemoveFirst();
            first.Value.TrySetResult(input);
            return;
        }

        if (!this.bufferedEvents.TryGetValue(name, out Queue<string?>? queue))
        {
            queue = new Queue<string?>();
            this.bufferedEvents[name] = queue;
        }

        queue.Enqueue(input);
    }

    private static string Describe(HistoryEvent action) => action switch
    {
        TaskScheduledEvent a => $"activity '{a.Name}' (task {a.TaskId})",
        SubOrchestrationCreatedEvent s => $"sub-orchestration '{s.Name}' (task {s.TaskId})",
        TimerCreatedEvent t => $"timer (task {t.TaskId})",
        _ => action.GetType().Name,
    };

    /// <summary>Checks that a scheduling event from history matches what the code just did, and consumes it.</summary>
    /// <exception cref="NonDeterministicOrchestrationException">The code did something else.</exception>
    public void MatchRecordedAction(HistoryEvent recorded)
    {
        int recordedId = recorded switch
        {
            TaskScheduledEvent a => a.TaskId,
            SubOrchestrationCreatedEvent s => s.TaskId,
            TimerCreatedEvent t => t.TaskId,
            _ => throw new ArgumentException("Not an action event.", nameof(recorded)),
        };

        int index = this.PendingActions.FindIndex(a => ActionId(a) == recordedId);
        if (index < 0)
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{this.Name}' ({this.InstanceId}): history expects {Describe(recorded)}, " +
                "but the orchestrator code did not schedule it at that point. Was the orchestrator changed while this instance was running?");
        }

        HistoryEvent actual = this.PendingActions[index];
        bool same = (recorded, actual) switch
        {
            (TaskScheduledEvent r, TaskScheduledEvent a) => string.Equals(r.Name, a.Name, StringComparison.OrdinalIgnoreCase),
            (SubOrchestrationCreatedEvent r, SubOrchestrationCreatedEvent a) => string.Equals(r.Name, a.Name, StringComparison.OrdinalIgnoreCase),
            (TimerCreatedEvent, TimerCreatedEvent) => true,
            _ => false,
        };

        if (!same)
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{this.Name}' ({this.InstanceId}): history expects {Describe(recorded)}, " +
                $"but the orchestrator code scheduled {Describe(actual)}. Was the orchestrator changed while this instance was running?");
        }

        this.PendingActions.RemoveAt(index);
    }

    /// <summary>Throws when replay produced actions its history does not have.</summary>
    public void EnsureNoUnmatchedActions()
    {
        if (this.PendingActions.Count > 0)
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{this.Name}' ({this.InstanceId}): the orchestrator code scheduled " +
                $"{Describe(this.PendingActions[0])}, which its history does not have at that point. Was the orchestrator changed while this instance was running?");
        }
    }

    private static int ActionId(HistoryEvent action) => action switch
    {
        TaskScheduledEvent a => a.TaskId,
        SubOrchestrationCreatedEvent s => s.TaskId,
        TimerCreatedEvent t => t.TaskId,
        _ => -1,
    };

    private Task<string?> Open(int id, string name, OpenTaskKind kind)
    {
        var open = new OpenTask(name, kind, new TaskCompletionSource<string?>());
        this.openTasks[id] = open;
        return open.Completion.Task;
    }

    private async Task<string?> WithRetry(RetryPolicy? policy, Func<Task<string?>> attempt)
    {
        if (policy is null)
        {
            return await attempt();
        }

        for (int number = 1; ; number++)
        {
            try
            {
                return await attempt();
            }
            catch (TaskFailedException failure) when (number < policy.MaxNumberOfAttempts && policy.HandleFailure(failure.FailureDetails))
            {
                await this.CreateTimer(this.CurrentUtc + policy.GetDelay(number), CancellationToken.None);
            }
        }
    }

    private enum OpenTaskKind
    {
        Activity,
        SubOrchestration,
        Timer,
    }

    private sealed record OpenTask(string Name, OpenTaskKind Kind, TaskCompletionSource<string?> Completion);
}
