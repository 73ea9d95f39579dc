using Serverless.Durable.History;
using Serverless.Durable.Messaging;
using Serverless.Durable.Replay;
using Serverless.Durable.Tracking;

namespace Serverless.Durable.Worker;

/// <summary>
/// The messages an episode sends, derived from its recorded events alone — so a worker that finds an
/// episode whose sends are unconfirmed can send them again without the orchestrator in memory.
/// </summary>
internal sealed class OutboundMessages
{
    public List<WorkItemMessage> WorkItems { get; } = [];

    public List<(ControlQueueMessage Message, TimeSpan Delay)> Timers { get; } = [];

    public List<(string InstanceId, InboxEntry Entry)> Deliveries { get; } = [];

    public int Count => this.WorkItems.Count + this.Timers.Count + this.Deliveries.Count;

    /// <summary>Derives the outbound messages of an episode.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="executionId">The execution the episode belongs to.</param>
    /// <param name="parentInstanceId">The parent instance, for sub-orchestrations.</param>
    /// <param name="parentExecutionId">The parent's execution.</param>
    /// <param name="parentTaskId">The parent's task id.</param>
    /// <param name="events">The episode's events.</param>
    /// <param name="now">The current time, for timer delays.</param>
    /// <returns>The messages.</returns>
    public static OutboundMessages FromEpisode(
        string instanceId,
        string executionId,
        string? parentInstanceId,
        string? parentExecutionId,
        int parentTaskId,
        IEnumerable<HistoryEvent> events,
        DateTime now)
    {
        var outbound = new OutboundMessages();
        foreach (HistoryEvent historyEvent in events)
        {
            switch (historyEvent)
            {
                case TaskScheduledEvent task:
                    outbound.WorkItems.Add(new WorkItemMessage(instanceId, executionId, task.TaskId, task.Name, task.Input));
                    break;
                case TimerCreatedEvent timer:
                    var message = new ControlQueueMessage(instanceId)
                    {
                        Event = new TimerFiredEvent(timer.TaskId, timer.FireAt) { Timestamp = timer.FireAt },
                        EventId = InboxEventIds.TimerFired(executionId, timer.TaskId),
                        ExecutionId = executionId,
                        DueAt = timer.FireAt,
                    };
                    outbound.Timers.Add((message, timer.FireAt - now));
                    break;
                case SubOrchestrationCreatedEvent child:
                    string childExecutionId = ChildExecutionId(executionId, child.TaskId);
                    outbound.Deliveries.Add((child.InstanceId, new InboxEntry(
                        InboxEventIds.Start(childExecutionId),
                        new ExecutionStartedEvent(child.Name, child.Input, childExecutionId, instanceId, executionId, child.TaskId),
                        null)));
                    break;
                case ExecutionCompletedEvent completed when parentInstanceId is not null && completed.Status != OrchestrationRuntimeStatus.ContinuedAsNew:
                    HistoryEvent result = completed.Status == OrchestrationRuntimeStatus.Completed
                        ? new SubOrchestrationCompletedEvent(parentTaskId, completed.Result)
                        : new SubOrchestrationFailedEvent(
                            parentTaskId,
                            completed.FailureDetails ?? new TaskFailureDetails("SubOrchestrationTerminated", $"Sub-orchestration '{instanceId}' was {completed.Status.ToString().ToLowerInvariant()}: {completed.Result}"));
                    outbound.Deliveries.Add((parentInstanceId, new InboxEntry(InboxEventIds.SubOrchestrationResult(parentExecutionId, parentTaskId), result, parentExecutionId)));
                    break;
                default:
                    break;
            }
        }

        return outbound;
    }

    /// <summary>The child's execution id is derived, so a re-sent start is recognised as the same start.</summary>
    private static string ChildExecutionId(string parentExecutionId, int taskId) =>
        DeterministicGuid.Create($"{parentExecutionId}:{taskId}").ToString("N");
}
