namespace Serverless.Pipelines.Notifications;

/// <summary>What a notification reports. Wire names are snake case (<c>task_failed</c>).</summary>
public enum NotificationEventKind
{
    /// <summary>A task instance failed on its last attempt (task <c>onFailure</c>).</summary>
    TaskFailed,

    /// <summary>A task instance failed an attempt and is up for retry (task and DAG <c>onRetry</c>).</summary>
    TaskRetry,

    /// <summary>A task instance succeeded (task <c>onSuccess</c>).</summary>
    TaskSuccess,

    /// <summary>A run ended failed or was terminated (DAG <c>onFailure</c>).</summary>
    RunFailed,

    /// <summary>A run ended successfully (DAG <c>onSuccess</c>).</summary>
    RunSuccess,

    /// <summary>A run had not finished by its deadline (<c>deadline.notify</c>, else DAG <c>onFailure</c>).</summary>
    DeadlineMissed,
}
