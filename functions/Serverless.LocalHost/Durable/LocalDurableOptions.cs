namespace Serverless.LocalHost.Durable;

/// <summary>
/// The local host's DurableTask.AzureStorage settings: the same knobs as <c>extensions.durableTask.storageProvider</c>
/// in host.json, under <c>Serverless:Durable</c> (app settings <c>Serverless__Durable__PartitionCount</c>, …).
/// </summary>
public sealed class LocalDurableOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Serverless:Durable";

    /// <summary>Gets or sets the number of control-queue partitions. The default is 4 (host.json's value); the maximum is 16.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Gets or sets how many control-queue messages one fetch takes. The default is 32 (the provider's maximum).</summary>
    public int ControlQueueBatchSize { get; set; } = 32;

    /// <summary>
    /// Gets or sets how long a dequeued message stays invisible. After a crash, an interrupted work item runs again
    /// when this expires, so it bounds recovery time. The default is 15 seconds (the provider's default is 5 minutes).
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the longest wait between polls of an empty queue. The default is 1 second (the provider's default is 30 s).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many activities run at once. The default is 32.</summary>
    public int MaxConcurrentActivities { get; set; } = 32;

    /// <summary>Gets or sets how many orchestration episodes run at once. The default is 16.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 16;

    /// <summary>Gets or sets a value indicating whether orchestrations stay in memory between episodes. The default is false.</summary>
    public bool ExtendedSessions { get; set; }

    /// <summary>
    /// Gets or sets the worker id that owns the partition leases. A stable id lets a restarted host take its leases
    /// back at once instead of waiting for them to expire. The default is the machine name.
    /// </summary>
    public string? WorkerId { get; set; }
}
