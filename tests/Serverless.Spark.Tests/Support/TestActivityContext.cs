using Serverless.Durable;

namespace Serverless.Spark.Tests.Support;

/// <summary>A minimal activity context for calling activities directly.</summary>
internal sealed class TestActivityContext(string name, string instanceId, int taskId) : TaskActivityContext
{
    public override string Name { get; } = name;

    public override string InstanceId { get; } = instanceId;

    public override int TaskId { get; } = taskId;

    public override int DequeueCount => 1;

    public override CancellationToken CancellationToken => CancellationToken.None;
}
