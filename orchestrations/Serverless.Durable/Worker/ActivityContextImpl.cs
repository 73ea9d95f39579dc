namespace Serverless.Durable.Worker;

/// <summary>The activity context handed to activity code.</summary>
internal sealed class ActivityContextImpl(string name, string instanceId, int taskId, int dequeueCount, CancellationToken cancellationToken) : TaskActivityContext
{
    public override string Name => name;

    public override string InstanceId => instanceId;

    public override int TaskId => taskId;

    public override int DequeueCount => dequeueCount;

    public override CancellationToken CancellationToken => cancellationToken;
}
