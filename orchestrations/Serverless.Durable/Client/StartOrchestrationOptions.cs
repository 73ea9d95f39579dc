namespace Serverless.Durable.Client;

/// <summary>Options for scheduling a new orchestration instance.</summary>
/// <param name="InstanceId">The instance id; a new GUID when null.</param>
/// <param name="StartAt">When to start; now when null. The instance is Pending until then.</param>
public sealed record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null)
{
    /// <summary>
    /// Gets a value indicating whether starting an id that is already pending or running returns that
    /// instance instead of throwing <see cref="OrchestrationAlreadyExistsException"/>. The default is false.
    /// </summary>
    public bool ReuseIfRunning { get; init; }
}
