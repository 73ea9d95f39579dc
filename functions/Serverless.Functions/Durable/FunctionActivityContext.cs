using Microsoft.DurableTask;

namespace Serverless.Functions.Durable;

/// <summary>The activity context a class-based activity gets when the Functions host invokes it through its trigger function.</summary>
/// <param name="name">The activity name.</param>
/// <param name="instanceId">The orchestration instance that scheduled it.</param>
internal sealed class FunctionActivityContext(string name, string instanceId) : TaskActivityContext
{
    /// <inheritdoc/>
    public override TaskName Name { get; } = name;

    /// <inheritdoc/>
    public override string InstanceId { get; } = instanceId;
}
