namespace Serverless.Durable;

/// <summary>What an activity knows about its invocation.</summary>
public abstract class TaskActivityContext
{
    /// <summary>Gets the activity name.</summary>
    public abstract string Name { get; }

    /// <summary>Gets the id of the orchestration instance that scheduled the activity.</summary>
    public abstract string InstanceId { get; }

    /// <summary>Gets the task id of this activity within its orchestration execution; stable across retries of the same message.</summary>
    public abstract int TaskId { get; }

    /// <summary>Gets how many times the work item was delivered (1 on the first attempt).</summary>
    public abstract int DequeueCount { get; }

    /// <summary>Gets a token that is cancelled when the worker shuts down.</summary>
    public abstract CancellationToken CancellationToken { get; }
}
