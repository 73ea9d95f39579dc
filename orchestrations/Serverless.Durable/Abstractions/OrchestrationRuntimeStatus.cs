namespace Serverless.Durable;

/// <summary>The runtime status of an orchestration instance, as in Durable Functions.</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>Scheduled but not yet started.</summary>
    Pending,

    /// <summary>Started and not finished.</summary>
    Running,

    /// <summary>Finished with an output.</summary>
    Completed,

    /// <summary>Restarted itself with new input; a new generation follows.</summary>
    ContinuedAsNew,

    /// <summary>Finished with an error.</summary>
    Failed,

    /// <summary>Stopped by a client.</summary>
    Terminated,

    /// <summary>Paused by a client; events wait until it is resumed.</summary>
    Suspended,
}
