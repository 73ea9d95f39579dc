namespace Serverless.Durable;

/// <summary>Options for starting a sub-orchestration.</summary>
/// <param name="InstanceId">The child's instance id; derived from the parent's id and the task id when null.</param>
/// <param name="Retry">The retry policy; null for a single attempt.</param>
public sealed record SubOrchestrationOptions(string? InstanceId = null, RetryPolicy? Retry = null) : TaskOptions(Retry);
