using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Serverless.Durable.History;
using Serverless.Durable.Storage;

namespace Serverless.Durable.Messaging;

/// <summary>
/// One of the task hub's queues, with JSON messages. A message too large for the queue is stored in
/// the payload container and the queue carries a pointer to it.
/// </summary>
internal sealed class TaskHubQueue(QueueClient queue, PayloadStore payloads)
{
    /// <summary>The longest visibility delay Azure Queues accept.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    /// <summary>Raised after this process sent a message, so a local poller can look at once.</summary>
    public event Action<TimeSpan>? Sent;

    public string Name => queue.Name;

    public async Task SendAsync(ControlQueueMessage message, TimeSpan? delay, CancellationToken cancellationToken)
    {
        string text = HistorySerializer.SerializeValue(message);
        if (PayloadStore.ShouldOffload(text))
        {
            string blobName = $"{message.InstanceId}/messages/{Guid.NewGuid():N}.json";
            await payloads.UploadAsync(blobName, text, cancellationToken).ConfigureAwait(false);
            text = HistorySerializer.SerializeValue(new ControlQueueMessage(message.InstanceId) { PayloadBlob = blobName });
        }

        await this.SendTextAsync(text, delay, cancellationToken).ConfigureAwait(false);
    }

    public async Task SendAsync(WorkItemMessage message, CancellationToken cancellationToken)
    {
        string text = HistorySerializer.SerializeValue(message);
        if (PayloadStore.ShouldOffload(text))
        {
            string blobName = $"{message.InstanceId}/messages/{message.ExecutionId}-{message.TaskId}.json";
            await payloads.UploadAsync(blobName, text, cancellationToken).ConfigureAwait(false);
            text = HistorySerializer.SerializeValue(new WorkItemMessage(message.InstanceId, message.ExecutionId, message.TaskId, message.Name, null) { PayloadBlob = blobName });
        }

        await this.SendTextAsync(text, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ControlQueueMessage> DecodeControlAsync(string text, CancellationToken cancellationToken)
    {
        ControlQueueMessage message = HistorySerializer.DeserializeValue<ControlQueueMessage>(text)
            ?? throw new InvalidDataException("Empty control message.");
        return message.PayloadBlob is { } blob
            ? HistorySerializer.DeserializeValue<ControlQueueMessage>(await payloads.DownloadAsync(blob, cancellationToken).ConfigureAwait(false))!
            : message;
    }

    public async Task<WorkItemMessage> DecodeWorkItemAsync(string text, CancellationToken cancellationToken)
    {
        WorkItemMessage message = HistorySerializer.DeserializeValue<WorkItemMessage>(text)
            ?? throw new InvalidDataException("Empty work item message.");
        return message.PayloadBlob is { } blob
            ? HistorySerializer.DeserializeValue<WorkItemMessage>(await payloads.DownloadAsync(blob, cancellationToken).ConfigureAwait(false))!
            : message;
    }

    public async Task<QueueMessage[]> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        Response<QueueMessage[]> response = await queue.ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken).ConfigureAwait(false);
        return response.Value;
    }

    public async Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken)
    {
        try
        {
            await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException error) when (StorageErrors.IsNotFound(error))
        {
            // The lease expired and another worker took (and maybe finished) the message: nothing to delete.
        }
    }

    /// <summary>Extends a message's invisibility; returns the new pop receipt, or null when the message is gone.</summary>
    public async Task<string?> RenewAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        try
        {
            Response<UpdateReceipt> response = await queue.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: visibilityTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Value.PopReceipt;
        }
        catch (RequestFailedException error) when (StorageErrors.IsNotFound(error))
        {
            return null;
        }
    }

    /// <summary>Copies a message text to this queue (used to keep poison messages), with no expiry.</summary>
    public async Task KeepAsync(string text, CancellationToken cancellationToken) =>
        await queue.SendMessageAsync(text, visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);

    private async Task SendTextAsync(string text, TimeSpan? delay, CancellationToken cancellationToken)
    {
        // Queues count visibility in whole seconds and drop the fraction: round up so a timer never surfaces early.
        TimeSpan? visibility = delay is { } d && d > TimeSpan.Zero
            ? (d > MaxDelay ? MaxDelay : TimeSpan.FromSeconds(Math.Ceiling(d.TotalSeconds)))
            : null;
        await queue.SendMessageAsync(text, visibility, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
        this.Sent?.Invoke(visibility ?? TimeSpan.Zero);
    }
}
