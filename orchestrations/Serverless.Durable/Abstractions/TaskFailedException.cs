namespace Serverless.Durable;

/// <summary>Thrown into orchestrator code when an activity or sub-orchestration it awaited failed.</summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TaskFailedException"/> class.</summary>
    /// <param name="taskName">The activity or sub-orchestrator name.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="failureDetails">The failure.</param>
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed: {failureDetails?.ErrorType}: {failureDetails?.ErrorMessage}")
    {
        this.TaskName = taskName;
        this.TaskId = taskId;
        this.FailureDetails = failureDetails ?? throw new ArgumentNullException(nameof(failureDetails));
    }

    /// <summary>Initializes a new instance of the <see cref="TaskFailedException"/> class.</summary>
    public TaskFailedException()
        : this("unknown", -1, new TaskFailureDetails("unknown", "unknown"))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskFailedException"/> class.</summary>
    /// <param name="message">The message.</param>
    public TaskFailedException(string message)
        : this("unknown", -1, new TaskFailureDetails("unknown", message))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskFailedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        this.TaskName = "unknown";
        this.TaskId = -1;
        this.FailureDetails = TaskFailureDetails.FromException(innerException);
    }

    /// <summary>Gets the name of the failed activity or sub-orchestrator.</summary>
    public string TaskName { get; }

    /// <summary>Gets the task id.</summary>
    public int TaskId { get; }

    /// <summary>Gets what went wrong.</summary>
    public TaskFailureDetails FailureDetails { get; }
}
