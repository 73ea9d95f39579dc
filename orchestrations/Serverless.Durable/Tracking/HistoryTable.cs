using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Durable.History;
using Serverless.Durable.Storage;

namespace Serverless.Durable.Tracking;

/// <summary>
/// The history table. Per instance (partition key = instance id): a <c>sentinel</c> row, one row per
/// episode (<c>h{generation:D6}-{episode:D6}</c>, the episode's events as a JSON array), and inbox rows
/// (<c>i{eventId}</c>) for events not yet applied. A checkpoint is one transaction on the partition.
/// </summary>
internal sealed class HistoryTable(TableClient table, PayloadStore payloads)
{
    /// <summary>The most inbox events one episode applies: a transaction holds at most 100 operations.</summary>
    public const int MaxEventsPerEpisode = 95;

    /// <summary>The sentinel's row key sorts before history ("h…") and inbox ("i…") rows, so it is on a query's first page.</summary>
    private const string SentinelKey = "_sentinel";

    /// <summary>The most inbox rows one read returns: an episode applies at most 95, one more tells that more wait.</summary>
    private const int InboxReadLimit = MaxEventsPerEpisode + 1;
    private const string InboxPrefix = "i";
    private const string HistoryPrefix = "h";

    public static string HistoryRowKey(int generation, int episode) =>
        string.Create(CultureInfo.InvariantCulture, $"{HistoryPrefix}{generation:D6}-{episode:D6}");

    public async Task<InstanceSnapshot> ReadAsync(string instanceId, bool includeHistory, CancellationToken cancellationToken)
    {
        string filter = includeHistory
            ? TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and (RowKey eq {SentinelKey} or (RowKey ge {InboxPrefix} and RowKey lt {"j"}))");

        TableEntity? sentinelEntity = null;
        var inboxEntities = new List<TableEntity>();
        var historyEntities = new List<TableEntity>();
        bool truncated = false;

        // Rows come in row-key order: sentinel, history, inbox. Stop after the first page's worth of
        // inbox rows, so a large backlog of results is not read again by every episode.
        await foreach (Page<TableEntity> page in table.QueryAsync<TableEntity>(filter, maxPerPage: includeHistory ? 1000 : InboxReadLimit + 1, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            foreach (TableEntity entity in page.Values)
            {
                if (entity.RowKey == SentinelKey)
                {
                    sentinelEntity = entity;
                }
                else if (entity.RowKey.StartsWith(InboxPrefix, StringComparison.Ordinal))
                {
                    if (inboxEntities.Count == InboxReadLimit)
                    {
                        truncated = true;
                        break;
                    }

                    inboxEntities.Add(entity);
                }
                else if (entity.RowKey.StartsWith(HistoryPrefix, StringComparison.Ordinal))
                {
                    historyEntities.Add(entity);
                }
            }

            if (truncated || inboxEntities.Count == InboxReadLimit)
            {
                truncated = true;
                break;
            }
        }

        SentinelState? sentinel = sentinelEntity is null ? null : ReadSentinel(sentinelEntity);
        var inbox = new List<InboxEntry>(inboxEntities.Count);
        foreach (TableEntity entity in inboxEntities)
        {
            string json = await this.ReadTextAsync(entity, "Event", cancellationToken).ConfigureAwait(false);
            inbox.Add(new InboxEntry(entity.RowKey[InboxPrefix.Length..], HistorySerializer.Deserialize(json), entity.GetString("ExecutionId")));
        }

        inbox.Sort((a, b) => string.CompareOrdinal(a.EventId, b.EventId));

        List<IReadOnlyList<HistoryEvent>>? history = null;
        if (includeHistory)
        {
            history = [];
            if (sentinel is not null)
            {
                string prefix = string.Create(CultureInfo.InvariantCulture, $"{HistoryPrefix}{sentinel.Generation:D6}-");
                var current = historyEntities
                    .Where(e => e.RowKey.StartsWith(prefix, StringComparison.Ordinal))
                    .OrderBy(e => e.RowKey, StringComparer.Ordinal)
                    .ToList();
                string[] texts = await Task.WhenAll(current.Select(e => this.ReadTextAsync(e, "Events", cancellationToken))).ConfigureAwait(false);
                history.AddRange(texts.Select(HistorySerializer.DeserializeList));
            }
        }

        return new InstanceSnapshot(sentinel, inbox, history) { InboxTruncated = truncated };
    }

    /// <summary>Reads the events of one episode row (to re-send its outbound messages).</summary>
    public async Task<IReadOnlyList<HistoryEvent>?> ReadEpisodeAsync(string instanceId, int generation, int episode, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> response = await table.GetEntityIfExistsAsync<TableEntity>(
            instanceId, HistoryRowKey(generation, episode), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
        {
            return null;
        }

        return HistorySerializer.DeserializeList(await this.ReadTextAsync(response.Value!, "Events", cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Commits a checkpoint; returns the sentinel's new ETag, or null when another writer won the race.</summary>
    public async Task<ETag?> CommitAsync(string instanceId, EpisodeCommit commit, CancellationToken cancellationToken)
    {
        SentinelState sentinel = commit.Sentinel;
        int episode = sentinel.Episode - 1;
        var actions = new List<TableTransactionAction>(commit.ConsumedInbox.Count + commit.NewInbox.Count + 2);
        TableEntity sentinelEntity = WriteSentinel(instanceId, sentinel);
        actions.Add(commit.ExpectedETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, sentinelEntity, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, sentinelEntity));

        var historyRow = new TableEntity(instanceId, HistoryRowKey(sentinel.Generation, episode))
        {
            ["ExecutionId"] = sentinel.ExecutionId,
        };
        string eventsJson = HistorySerializer.Serialize(commit.Events);
        await this.WriteTextAsync(historyRow, "Events", eventsJson, $"{instanceId}/history/{sentinel.ExecutionId}-{sentinel.Generation}-{episode}.json", cancellationToken).ConfigureAwait(false);
        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, historyRow));

        foreach (string eventId in commit.ConsumedInbox)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, InboxPrefix + eventId), ETag.All));
        }

        foreach (InboxEntry entry in commit.NewInbox)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, await this.CreateInboxEntityAsync(instanceId, entry, cancellationToken).ConfigureAwait(false)));
        }

        try
        {
            Response<IReadOnlyList<Response>> response = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return response.Value[0].Headers.ETag ?? await this.ReadSentinelETagAsync(instanceId, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException error) when (StorageErrors.IsConcurrencyConflict(error))
        {
            return null;
        }
    }

    /// <summary>Marks the last episode's outbound messages as sent; returns the new ETag, or null when the sentinel moved on.</summary>
    public async Task<ETag?> ConfirmOutboxAsync(string instanceId, ETag etag, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(instanceId, SentinelKey) { ["OutboxEpisode"] = -1 };
        try
        {
            Response response = await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag;
        }
        catch (RequestFailedException error) when (StorageErrors.IsPreconditionFailed(error) || StorageErrors.IsNotFound(error))
        {
            return null;
        }
    }

    /// <summary>Adds events to an instance's inbox; events already there (same id) are skipped.</summary>
    public async Task AddInboxAsync(string instanceId, IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 1)
        {
            await this.AddInboxEntityAsync(instanceId, entries[0], cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (InboxEntry[] chunk in entries.Chunk(100))
        {
            var actions = new List<TableTransactionAction>(chunk.Length);
            foreach (InboxEntry entry in chunk)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, await this.CreateInboxEntityAsync(instanceId, entry, cancellationToken).ConfigureAwait(false)));
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException error) when (StorageErrors.IsConflict(error))
            {
                // One of them was delivered before (a retried batch); add them one by one, skipping duplicates.
                foreach (InboxEntry entry in chunk)
                {
                    await this.AddInboxEntityAsync(instanceId, entry, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// Creates a terminated sentinel for an instance whose start is scheduled for later, so the delayed
    /// start is recognised as a duplicate of a finished execution; returns false when a worker already started it.
    /// </summary>
    public async Task<bool> TryCreateTerminatedAsync(string instanceId, string name, string executionId, CancellationToken cancellationToken)
    {
        var sentinel = new SentinelState { ExecutionId = executionId, Name = name, Status = OrchestrationRuntimeStatus.Terminated, CreatedAt = DateTime.UtcNow };
        try
        {
            await table.AddEntityAsync(WriteSentinel(instanceId, sentinel), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException error) when (StorageErrors.IsConflict(error))
        {
            return false;
        }
    }

    /// <summary>Deletes inbox rows that no episode will apply (duplicates, stale results).</summary>
    public async Task DeleteInboxAsync(string instanceId, IReadOnlyList<string> eventIds, CancellationToken cancellationToken)
    {
        foreach (string eventId in eventIds)
        {
            try
            {
                await table.DeleteEntityAsync(instanceId, InboxPrefix + eventId, ETag.All, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException error) when (StorageErrors.IsNotFound(error))
            {
                // Another worker discarded it.
            }
        }
    }

    /// <summary>Deletes the rows of an older generation (best effort; they are never read again).</summary>
    public async Task DeleteGenerationAsync(string instanceId, int generation, int episodes, CancellationToken cancellationToken)
    {
        foreach (int[] chunk in Enumerable.Range(0, episodes).Chunk(100))
        {
            var actions = chunk
                .Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, HistoryRowKey(generation, e)), ETag.All))
                .ToList();
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException)
            {
                // Already deleted by another worker, or partly missing: purge removes what is left.
                return;
            }
        }
    }

    /// <summary>Deletes every row of an instance; returns whether there was any.</summary>
    public async Task<bool> DeletePartitionAsync(string instanceId, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}");
        await foreach (TableEntity entity in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(entity.RowKey);
        }

        foreach (string[] chunk in keys.Chunk(100))
        {
            var actions = chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, k), ETag.All)).ToList();
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException)
            {
                foreach (string key in chunk)
                {
                    await table.DeleteEntityAsync(instanceId, key, ETag.All, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return keys.Count > 0;
    }

    private static SentinelState ReadSentinel(TableEntity entity) => new()
    {
        ExecutionId = entity.GetString("ExecutionId") ?? string.Empty,
        Name = entity.GetString("Name") ?? string.Empty,
        Status = Enum.Parse<OrchestrationRuntimeStatus>(entity.GetString("Status") ?? nameof(OrchestrationRuntimeStatus.Pending)),
        Generation = entity.GetInt32("Generation") ?? 0,
        Episode = entity.GetInt32("Episode") ?? 0,
        OutboxEpisode = entity.GetInt32("OutboxEpisode") ?? -1,
        ParentInstanceId = entity.GetString("ParentInstanceId"),
        ParentExecutionId = entity.GetString("ParentExecutionId"),
        ParentTaskId = entity.GetInt32("ParentTaskId") ?? -1,
        CreatedAt = entity.GetDateTime("CreatedAt") ?? default,
        ETag = entity.ETag,
    };

    private static TableEntity WriteSentinel(string instanceId, SentinelState sentinel)
    {
        var entity = new TableEntity(instanceId, SentinelKey)
        {
            ["ExecutionId"] = sentinel.ExecutionId,
            ["Name"] = sentinel.Name,
            ["Status"] = sentinel.Status.ToString(),
            ["Generation"] = sentinel.Generation,
            ["Episode"] = sentinel.Episode,
            ["OutboxEpisode"] = sentinel.OutboxEpisode,
            ["CreatedAt"] = DateTime.SpecifyKind(sentinel.CreatedAt, DateTimeKind.Utc),
        };
        if (sentinel.ParentInstanceId is not null)
        {
            entity["ParentInstanceId"] = sentinel.ParentInstanceId;
            entity["ParentExecutionId"] = sentinel.ParentExecutionId;
            entity["ParentTaskId"] = sentinel.ParentTaskId;
        }

        return entity;
    }

    private async Task<ETag?> ReadSentinelETagAsync(string instanceId, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> response = await table.GetEntityIfExistsAsync<TableEntity>(
            instanceId, SentinelKey, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value!.ETag : null;
    }

    private async Task AddInboxEntityAsync(string instanceId, InboxEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(await this.CreateInboxEntityAsync(instanceId, entry, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException error) when (StorageErrors.IsConflict(error))
        {
            // Delivered before: inbox ids are deterministic, so a duplicate is harmless.
        }
    }

    private async Task<TableEntity> CreateInboxEntityAsync(string instanceId, InboxEntry entry, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(instanceId, InboxPrefix + entry.EventId);
        if (entry.ExecutionId is not null)
        {
            entity["ExecutionId"] = entry.ExecutionId;
        }

        await this.WriteTextAsync(entity, "Event", HistorySerializer.Serialize(entry.Event), $"{instanceId}/inbox/{entry.EventId}.json", cancellationToken).ConfigureAwait(false);
        return entity;
    }

    private async Task WriteTextAsync(TableEntity entity, string property, string text, string blobName, CancellationToken cancellationToken)
    {
        if (PayloadStore.ShouldOffload(text))
        {
            await payloads.UploadAsync(blobName, text, cancellationToken).ConfigureAwait(false);
            entity[property + "Blob"] = blobName;
        }
        else
        {
            entity[property] = text;
        }
    }

    private async Task<string> ReadTextAsync(TableEntity entity, string property, CancellationToken cancellationToken) =>
        entity.GetString(property + "Blob") is { } blobName
            ? await payloads.DownloadAsync(blobName, cancellationToken).ConfigureAwait(false)
            : entity.GetString(property) ?? throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey} has no {property}.");
}
