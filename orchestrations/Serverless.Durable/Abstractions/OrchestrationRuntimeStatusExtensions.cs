namespace Serverless.Durable;

/// <summary>Helpers over <see cref="OrchestrationRuntimeStatus"/>.</summary>
public static class OrchestrationRuntimeStatusExtensions
{
    /// <summary>Returns whether the status is final: completed, failed or terminated.</summary>
    /// <param name="status">The status.</param>
    /// <returns>True when the instance will not run again unless restarted.</returns>
    public static bool IsTerminal(this OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
