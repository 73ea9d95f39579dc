namespace Serverless.Durable.Hosting;

/// <summary>Settings of the durable engine. Defaults suit one small worker; each is documented with its default.</summary>
public sealed class DurableEngineOptions
{
    /// <summary>Gets or sets the task hub name. The default is <c>serverless</c>.</summary>
    public string TaskHub { get; set; } = Storage.TaskHubResourceNames.DefaultTaskHub;

    /// <summary>Gets or sets a value indicating whether the worker polls its queues itself. The default is true; under the Azure Functions host the queue triggers deliver messages instead.</summary>
    public bool EnablePolling { get; set; } = true;

    /// <summary>Gets or sets the most activities one worker runs at once. The default is 32.</summary>
    public int MaxConcurrentActivities { get; set; } = 32;

    /// <summary>Gets or sets the most control messages one worker handles at once. The default is 16.</summary>
    public int MaxConcurrentOrchestrationMessages { get; set; } = 16;

    /// <summary>Gets or sets how many deliveries of one message are tried before it is poison. The default is 5.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Gets or sets how long a received control message stays invisible; renewed while it is handled. The default is 30 seconds.</summary>
    public TimeSpan ControlVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a received work item stays invisible; renewed while the activity runs. The default is 60 seconds.</summary>
    public TimeSpan WorkItemVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the longest wait between polls of an empty queue (polling backs off to it). The default is 10 seconds.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many replayed orchestrations a worker keeps in memory between episodes. The default is 1000; 0 turns the cache off (every episode replays).</summary>
    public int ExecutorCacheSize { get; set; } = 1000;

    /// <summary>Gets or sets a value indicating whether the worker creates the tables, queues and container on start. The default is true.</summary>
    public bool CreateResourcesOnStart { get; set; } = true;
}
