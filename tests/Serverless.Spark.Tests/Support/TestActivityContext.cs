using Microsoft.DurableTask;

namespace Serverless.Spark.Tests.Support;

/// <summary>A minimal activity context for calling activities directly.</summary>
internal sealed class TestActivityContext(string name, string instanceId, int taskId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;

    /// <summary>Gets the task id the test derives an idempotency key from.</summary>
    public int TaskId { get; } = taskId;
}
