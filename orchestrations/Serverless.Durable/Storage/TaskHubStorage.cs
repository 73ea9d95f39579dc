using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Serverless.Storage.Connection;

namespace Serverless.Durable.Storage;

/// <summary>The Azure Storage resources of one task hub: two tables, three queues and a payload container.</summary>
internal sealed class TaskHubStorage
{
    public TaskHubStorage(StorageAccount account, TaskHubResourceNames names)
    {
        this.Account = account;
        this.Names = names;
        this.HistoryTable = account.Tables.GetTableClient(names.HistoryTable);
        this.InstancesTable = account.Tables.GetTableClient(names.InstancesTable);
        this.ControlQueue = account.Queues.GetQueueClient(names.ControlQueue);
        this.WorkItemQueue = account.Queues.GetQueueClient(names.WorkItemQueue);
        this.PoisonQueue = account.Queues.GetQueueClient(names.PoisonQueue);
        this.PayloadContainer = account.Blobs.GetBlobContainerClient(names.PayloadContainer);
        this.Payloads = new PayloadStore(this.PayloadContainer);
    }

    public StorageAccount Account { get; }

    public TaskHubResourceNames Names { get; }

    public TableClient HistoryTable { get; }

    public TableClient InstancesTable { get; }

    public QueueClient ControlQueue { get; }

    public QueueClient WorkItemQueue { get; }

    public QueueClient PoisonQueue { get; }

    public BlobContainerClient PayloadContainer { get; }

    public PayloadStore Payloads { get; }

    /// <summary>Creates every resource that does not exist yet (idempotent).</summary>
    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(
            this.HistoryTable.CreateIfNotExistsAsync(cancellationToken),
            this.InstancesTable.CreateIfNotExistsAsync(cancellationToken),
            this.ControlQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            this.WorkItemQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            this.PoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            this.PayloadContainer.CreateIfNotExistsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
