using System.Text.Json.Serialization;

namespace Serverless.Durable.History;

/// <summary>
/// One fact in an orchestration's history. Orchestrator code is replayed against these events; they
/// are stored one JSON array per episode in the history table.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExecutionStartedEvent), "ExecutionStarted")]
[JsonDerivedType(typeof(OrchestratorStartedEvent), "OrchestratorStarted")]
[JsonDerivedType(typeof(TaskScheduledEvent), "TaskScheduled")]
[JsonDerivedType(typeof(TaskCompletedEvent), "TaskCompleted")]
[JsonDerivedType(typeof(TaskFailedEvent), "TaskFailed")]
[JsonDerivedType(typeof(SubOrchestrationCreatedEvent), "SubOrchestrationCreated")]
[JsonDerivedType(typeof(SubOrchestrationCompletedEvent), "SubOrchestrationCompleted")]
[JsonDerivedType(typeof(SubOrchestrationFailedEvent), "SubOrchestrationFailed")]
[JsonDerivedType(typeof(TimerCreatedEvent), "TimerCreated")]
[JsonDerivedType(typeof(TimerFiredEvent), "TimerFired")]
[JsonDerivedType(typeof(EventRaisedEvent), "EventRaised")]
[JsonDerivedType(typeof(ExecutionTerminatedEvent), "ExecutionTerminated")]
[JsonDerivedType(typeof(ExecutionSuspendedEvent), "ExecutionSuspended")]
[JsonDerivedType(typeof(ExecutionResumedEvent), "ExecutionResumed")]
[JsonDerivedType(typeof(ExecutionAbortedEvent), "ExecutionAborted")]
[JsonDerivedType(typeof(ExecutionCompletedEvent), "ExecutionCompleted")]
public abstract record HistoryEvent
{
    /// <summary>Gets when the event happened (UTC).</summary>
    public DateTime Timestamp { get; init; } = DateTime.UtcNow;
}

/// <summary>An execution started (the first event of every generation).</summary>
/// <param name="Name">The orchestrator name.</param>
/// <param name="Input">The JSON input.</param>
/// <param name="ExecutionId">The execution id.</param>
/// <param name="ParentInstanceId">The parent instance when this is a sub-orchestration.</param>
/// <param name="ParentExecutionId">The parent's execution id.</param>
/// <param name="ParentTaskId">The parent's task id for this child.</param>
public sealed record ExecutionStartedEvent(
    string Name,
    string? Input,
    string ExecutionId,
    string? ParentInstanceId = null,
    string? ParentExecutionId = null,
    int ParentTaskId = -1) : HistoryEvent;

/// <summary>An episode started; its timestamp is the orchestration's current time during the episode.</summary>
public sealed record OrchestratorStartedEvent : HistoryEvent;

/// <summary>The orchestrator scheduled an activity.</summary>
/// <param name="TaskId">The task id.</param>
/// <param name="Name">The activity name.</param>
/// <param name="Input">The JSON input.</param>
public sealed record TaskScheduledEvent(int TaskId, string Name, string? Input) : HistoryEvent;

/// <summary>An activity completed.</summary>
/// <param name="TaskScheduledId">The task id.</param>
/// <param name="Result">The JSON result.</param>
public sealed record TaskCompletedEvent(int TaskScheduledId, string? Result) : HistoryEvent;

/// <summary>An activity failed.</summary>
/// <param name="TaskScheduledId">The task id.</param>
/// <param name="FailureDetails">What went wrong.</param>
public sealed record TaskFailedEvent(int TaskScheduledId, TaskFailureDetails FailureDetails) : HistoryEvent;

/// <summary>The orchestrator started a sub-orchestration.</summary>
/// <param name="TaskId">The task id.</param>
/// <param name="Name">The child orchestrator name.</param>
/// <param name="InstanceId">The child's instance id.</param>
/// <param name="Input">The JSON input.</param>
public sealed record SubOrchestrationCreatedEvent(int TaskId, string Name, string InstanceId, string? Input) : HistoryEvent;

/// <summary>A sub-orchestration completed.</summary>
/// <param name="TaskScheduledId">The parent's task id.</param>
/// <param name="Result">The JSON output.</param>
public sealed record SubOrchestrationCompletedEvent(int TaskScheduledId, string? Result) : HistoryEvent;

/// <summary>A sub-orchestration failed (or was terminated).</summary>
/// <param name="TaskScheduledId">The parent's task id.</param>
/// <param name="FailureDetails">What went wrong.</param>
public sealed record SubOrchestrationFailedEvent(int TaskScheduledId, TaskFailureDetails FailureDetails) : HistoryEvent;

/// <summary>The orchestrator created a durable timer.</summary>
/// <param name="TaskId">The timer id.</param>
/// <param name="FireAt">When it fires.</param>
public sealed record TimerCreatedEvent(int TaskId, DateTime FireAt) : HistoryEvent;

/// <summary>A durable timer fired.</summary>
/// <param name="TimerId">The timer id.</param>
/// <param name="FireAt">When it was due.</param>
public sealed record TimerFiredEvent(int TimerId, DateTime FireAt) : HistoryEvent;

/// <summary>A client raised an event.</summary>
/// <param name="Name">The event name.</param>
/// <param name="Input">The JSON payload.</param>
public sealed record EventRaisedEvent(string Name, string? Input) : HistoryEvent;

/// <summary>A client terminated the instance.</summary>
/// <param name="Reason">The reason.</param>
public sealed record ExecutionTerminatedEvent(string? Reason) : HistoryEvent;

/// <summary>A client suspended the instance.</summary>
/// <param name="Reason">The reason.</param>
public sealed record ExecutionSuspendedEvent(string? Reason) : HistoryEvent;

/// <summary>A client resumed the instance.</summary>
/// <param name="Reason">The reason.</param>
public sealed record ExecutionResumedEvent(string? Reason) : HistoryEvent;

/// <summary>The engine gave up on the instance (a poison message): it fails without running orchestrator code.</summary>
/// <param name="FailureDetails">Why.</param>
public sealed record ExecutionAbortedEvent(TaskFailureDetails FailureDetails) : HistoryEvent;

/// <summary>The execution ended: completed, failed, terminated, or continued as new (then <paramref name="Result"/> is the new input).</summary>
/// <param name="Status">The final status of this execution.</param>
/// <param name="Result">The JSON output.</param>
/// <param name="FailureDetails">The failure, when failed.</param>
public sealed record ExecutionCompletedEvent(OrchestrationRuntimeStatus Status, string? Result, TaskFailureDetails? FailureDetails = null) : HistoryEvent;
