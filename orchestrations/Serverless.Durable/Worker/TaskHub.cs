using Serverless.Durable.Hosting;
using Serverless.Durable.Messaging;
using Serverless.Durable.Storage;
using Serverless.Durable.Tracking;
using Serverless.Storage.Connection;

namespace Serverless.Durable.Worker;

/// <summary>The storage-facing parts of one task hub, shared by the client and the worker in a process.</summary>
internal sealed class TaskHub
{
    public TaskHub(StorageAccount account, DurableEngineOptions options)
    {
        this.Options = options;
        this.Storage = new TaskHubStorage(account, new TaskHubResourceNames(options.TaskHub));
        this.History = new HistoryTable(this.Storage.HistoryTable, this.Storage.Payloads);
        this.Instances = new InstancesTable(this.Storage.InstancesTable, this.Storage.Payloads);
        this.Control = new TaskHubQueue(this.Storage.ControlQueue, this.Storage.Payloads);
        this.WorkItems = new TaskHubQueue(this.Storage.WorkItemQueue, this.Storage.Payloads);
        this.Poison = new TaskHubQueue(this.Storage.PoisonQueue, this.Storage.Payloads);
    }

    public DurableEngineOptions Options { get; }

    public TaskHubStorage Storage { get; }

    public HistoryTable History { get; }

    public InstancesTable Instances { get; }

    public TaskHubQueue Control { get; }

    public TaskHubQueue WorkItems { get; }

    public TaskHubQueue Poison { get; }

    /// <summary>Puts events in an instance's inbox and wakes it: the one way events reach an instance.</summary>
    public async Task DeliverAsync(string instanceId, IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken)
    {
        await this.History.AddInboxAsync(instanceId, entries, cancellationToken).ConfigureAwait(false);
        await this.Control.SendAsync(new ControlQueueMessage(instanceId), null, cancellationToken).ConfigureAwait(false);
    }
}
