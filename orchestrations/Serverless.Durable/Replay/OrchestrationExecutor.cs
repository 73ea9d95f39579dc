using Microsoft.Extensions.Logging;
using Serverless.Durable.History;

namespace Serverless.Durable.Replay;

/// <summary>
/// Runs one execution of an orchestrator: replays its history, then applies an episode's new events
/// and returns the events to record (the applied ones, the new actions, and the completion).
/// One executor is used by one thread at a time; the worker keeps it between episodes as a cache.
/// </summary>
internal sealed class OrchestrationExecutor
{
    private readonly string instanceId;
    private readonly DurableTaskRegistry registry;
    private readonly IServiceProvider services;
    private readonly DataConverter converter;
    private readonly ILoggerFactory loggerFactory;
    private readonly OrchestrationSynchronizationContext synchronizationContext = new();
    private Task<object?>? orchestratorTask;
    private bool completionRecorded;

    // The time of the episode being applied, kept for the context created when ExecutionStarted follows.
    private DateTime pendingEpisodeTime;

    public OrchestrationExecutor(string instanceId, DurableTaskRegistry registry, IServiceProvider services, DataConverter converter, ILoggerFactory loggerFactory)
    {
        this.instanceId = instanceId;
        this.registry = registry;
        this.services = services;
        this.converter = converter;
        this.loggerFactory = loggerFactory;
    }

    public ExecutionStartedEvent? Started { get; private set; }

    /// <summary>Gets how the execution ended, once it has.</summary>
    public ExecutionCompletedEvent? Completion { get; private set; }

    public bool IsSuspended { get; private set; }

    public OrchestrationContextImpl? Context { get; private set; }

    public string? CustomStatusJson => this.Context?.CustomStatusJson;

    /// <summary>Replays recorded history. Divergence from it ends the execution as failed (non-determinism).</summary>
    public void Replay(IEnumerable<HistoryEvent> history)
    {
        foreach (HistoryEvent historyEvent in history)
        {
            if (this.Completion is not null)
            {
                break;
            }

            if (historyEvent is ExecutionCompletedEvent recorded)
            {
                this.Completion = recorded;
                this.completionRecorded = true;
                break;
            }

            this.Apply(historyEvent, replaying: true);
        }

        if (this.Completion is null && this.Context is not null)
        {
            try
            {
                this.Context.EnsureNoUnmatchedActions();
            }
            catch (NonDeterministicOrchestrationException error)
            {
                this.Completion = Failed(error);
            }
        }
    }

    /// <summary>Applies new events and returns everything the episode records, in order.</summary>
    /// <param name="newEvents">Events from the inbox, already filtered for this execution.</param>
    /// <param name="now">The episode time (becomes <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>).</param>
    /// <param name="applied">The events that were taken (the rest can stay for a later episode).</param>
    /// <returns>The events to append to history.</returns>
    public List<HistoryEvent> RunEpisode(IReadOnlyList<HistoryEvent> newEvents, DateTime now, out int applied)
    {
        var episode = new List<HistoryEvent>(newEvents.Count + 4);
        var started = new OrchestratorStartedEvent { Timestamp = now };
        episode.Add(started);
        this.Apply(started, replaying: false);
        applied = 0;
        foreach (HistoryEvent historyEvent in newEvents)
        {
            if (this.Completion is not null)
            {
                break;
            }

            applied++;
            if (this.Apply(historyEvent, replaying: false))
            {
                episode.Add(historyEvent);
            }
        }

        if (this.Context is not null)
        {
            episode.AddRange(this.Context.PendingActions);
            this.Context.PendingActions.Clear();
        }

        if (this.Completion is not null && !this.completionRecorded)
        {
            episode.Add(this.Completion);
            this.completionRecorded = true;
        }

        return episode;
    }

    private static ExecutionCompletedEvent Failed(Exception error) =>
        new(OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(error));

    /// <summary>Applies one event; returns false when it had no effect (a duplicate result).</summary>
    private bool Apply(HistoryEvent historyEvent, bool replaying)
    {
        if (this.Context is not null)
        {
            this.Context.IsReplayingInternal = replaying;
        }

        bool effective = true;
        try
        {
            switch (historyEvent)
            {
                case OrchestratorStartedEvent e:
                    if (this.Context is not null)
                    {
                        this.Context.CurrentUtc = e.Timestamp;
                    }

                    this.pendingEpisodeTime = e.Timestamp;
                    break;
                case ExecutionStartedEvent e:
                    this.Start(e, replaying);
                    break;
                case TaskScheduledEvent or SubOrchestrationCreatedEvent or TimerCreatedEvent:
                    this.Context?.MatchRecordedAction(historyEvent);
                    break;
                case TaskCompletedEvent e:
                    effective = this.Context?.TryComplete(e.TaskScheduledId, e.Result) ?? false;
                    break;
                case TaskFailedEvent e:
                    effective = this.Context?.TryFail(e.TaskScheduledId, e.FailureDetails) ?? false;
                    break;
                case SubOrchestrationCompletedEvent e:
                    effective = this.Context?.TryComplete(e.TaskScheduledId, e.Result) ?? false;
                    break;
                case SubOrchestrationFailedEvent e:
                    effective = this.Context?.TryFail(e.TaskScheduledId, e.FailureDetails) ?? false;
                    break;
                case TimerFiredEvent e:
                    effective = this.Context?.TryComplete(e.TimerId, null) ?? false;
                    break;
                case EventRaisedEvent e:
                    this.Context?.RaiseEvent(e.Name, e.Input);
                    break;
                case ExecutionSuspendedEvent:
                    this.IsSuspended = true;
                    break;
                case ExecutionResumedEvent:
                    this.IsSuspended = false;
                    break;
                case ExecutionTerminatedEvent e:
                    this.Completion = new ExecutionCompletedEvent(OrchestrationRuntimeStatus.Terminated, this.converter.Serialize(e.Reason));
                    break;
                case ExecutionAbortedEvent e:
                    this.Completion = new ExecutionCompletedEvent(OrchestrationRuntimeStatus.Failed, null, e.FailureDetails);
                    break;
                default:
                    break;
            }

            if (effective)
            {
                this.synchronizationContext.Run();
            }
        }
        catch (NonDeterministicOrchestrationException error)
        {
            this.Completion ??= Failed(error);
        }

        this.CheckForCompletion();
        return effective;
    }

    private void Start(ExecutionStartedEvent started, bool replaying)
    {
        this.Started = started;
        if (!this.registry.TryCreateOrchestrator(started.Name, this.services, out ITaskOrchestrator? orchestrator) || orchestrator is null)
        {
            this.Completion = new ExecutionCompletedEvent(
                OrchestrationRuntimeStatus.Failed,
                null,
                new TaskFailureDetails("OrchestratorNotFound", $"No orchestrator named '{started.Name}' is registered on this worker."));
            return;
        }

        var context = new OrchestrationContextImpl(this.instanceId, started, this.converter, this.loggerFactory)
        {
            CurrentUtc = this.pendingEpisodeTime == default ? started.Timestamp : this.pendingEpisodeTime,
            IsReplayingInternal = replaying,
        };
        this.Context = context;

        object? input;
        try
        {
            input = this.converter.Deserialize(started.Input, orchestrator.InputType);
        }
        catch (Exception error)
        {
            this.Completion = new ExecutionCompletedEvent(
                OrchestrationRuntimeStatus.Failed,
                null,
                new TaskFailureDetails(error.GetType().FullName!, $"The input of orchestration '{started.Name}' could not be read as {orchestrator.InputType.Name}: {error.Message}"));
            return;
        }

        this.synchronizationContext.Run(() => this.orchestratorTask = orchestrator.RunAsync(context, input));
    }

    private void CheckForCompletion()
    {
        if (this.Completion is not null || this.orchestratorTask is not { IsCompleted: true } task || this.Context is null)
        {
            return;
        }

        if (task.IsCompletedSuccessfully)
        {
            this.Completion = this.Context.ContinueAsNewRequested
                ? new ExecutionCompletedEvent(OrchestrationRuntimeStatus.ContinuedAsNew, this.Context.ContinueAsNewInput)
                : this.CompletedWithOutput(task.Result);
        }
        else
        {
            Exception error = task.Exception?.InnerException ?? new TaskCanceledException("The orchestrator was cancelled.");
            this.Completion = error is NonDeterministicOrchestrationException ? Failed(error)
                : new ExecutionCompletedEvent(OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(error));
        }

        this.Completion = this.Completion with { Timestamp = this.Context.CurrentUtc };
    }

    private ExecutionCompletedEvent CompletedWithOutput(object? output)
    {
        try
        {
            return new ExecutionCompletedEvent(OrchestrationRuntimeStatus.Completed, this.converter.Serialize(output));
        }
        catch (Exception error)
        {
            return Failed(error);
        }
    }
}
