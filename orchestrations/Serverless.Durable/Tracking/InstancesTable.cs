using Azure;
using Azure.Data.Tables;
using Serverless.Durable.Client;
using Serverless.Durable.History;
using Serverless.Durable.Storage;

namespace Serverless.Durable.Tracking;

/// <summary>
/// The instances table: one row per instance (partition key = instance id, row key empty) with the
/// status clients query. Written by clients on start and by workers after each checkpoint; the history
/// table stays the source of truth.
/// </summary>
internal sealed class InstancesTable(TableClient table, PayloadStore payloads)
{
    public async Task<(OrchestrationMetadata Metadata, ETag ETag)?> GetAsync(string instanceId, bool withPayloads, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> response = await table.GetEntityIfExistsAsync<TableEntity>(instanceId, string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
        {
            return null;
        }

        TableEntity entity = response.Value!;
        return (await this.ToMetadataAsync(entity, withPayloads, cancellationToken).ConfigureAwait(false), entity.ETag);
    }

    /// <summary>Creates the row of a new instance; returns false when it exists.</summary>
    public async Task<bool> TryAddAsync(string instanceId, string name, string executionId, string? input, DateTime createdAt, DateTime? scheduledStart, CancellationToken cancellationToken)
    {
        TableEntity entity = await this.CreateStartEntityAsync(instanceId, name, executionId, input, createdAt, scheduledStart, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException error) when (StorageErrors.IsConflict(error))
        {
            return false;
        }
    }

    /// <summary>Replaces the row of a finished instance being restarted; returns false when it changed since read.</summary>
    public async Task<bool> TryReplaceAsync(string instanceId, ETag etag, string name, string executionId, string? input, DateTime createdAt, DateTime? scheduledStart, CancellationToken cancellationToken)
    {
        TableEntity entity = await this.CreateStartEntityAsync(instanceId, name, executionId, input, createdAt, scheduledStart, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException error) when (StorageErrors.IsPreconditionFailed(error) || StorageErrors.IsNotFound(error))
        {
            return false;
        }
    }

    public async Task UpdateAsync(string instanceId, InstanceStatusUpdate update, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(instanceId, string.Empty)
        {
            ["Name"] = update.Name,
            ["ExecutionId"] = update.ExecutionId,
            ["RuntimeStatus"] = update.Status.ToString(),
            ["LastUpdatedAt"] = update.LastUpdatedAt,
        };
        if (update.WriteCustomStatus)
        {
            await this.SetTextAsync(entity, "CustomStatus", update.CustomStatus, update.ExecutionId, cancellationToken).ConfigureAwait(false);
        }

        if (update.WriteInput)
        {
            await this.SetTextAsync(entity, "Input", update.Input, update.ExecutionId, cancellationToken).ConfigureAwait(false);
        }

        if (update.CreatedAt is { } created)
        {
            entity["CreatedAt"] = created;
        }

        if (update.ParentInstanceId is not null)
        {
            entity["ParentInstanceId"] = update.ParentInstanceId;
        }

        if (update.Status.IsTerminal() || update.Status == OrchestrationRuntimeStatus.ContinuedAsNew)
        {
            await this.SetTextAsync(entity, "Output", update.Output, update.ExecutionId, cancellationToken).ConfigureAwait(false);
            entity["FailureDetails"] = update.FailureDetails is null ? string.Empty : HistorySerializer.SerializeValue(update.FailureDetails);
            entity["CompletedAt"] = update.CompletedAt ?? update.LastUpdatedAt;
        }

        await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    public async Task<OrchestrationQueryResult> QueryAsync(OrchestrationQuery query, CancellationToken cancellationToken)
    {
        var clauses = new List<string>();
        if (query.Statuses is { Count: > 0 } statuses)
        {
            clauses.Add("(" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"RuntimeStatus eq {s.ToString()}"))) + ")");
        }

        if (query.Name is { } name)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Name eq {name}"));
        }

        if (query.CreatedFrom is { } from)
        {
            clauses.Add(TableClient.CreateQueryFilter($"CreatedAt ge {new DateTimeOffset(DateTime.SpecifyKind(from, DateTimeKind.Utc))}"));
        }

        if (query.CreatedTo is { } to)
        {
            clauses.Add(TableClient.CreateQueryFilter($"CreatedAt lt {new DateTimeOffset(DateTime.SpecifyKind(to, DateTimeKind.Utc))}"));
        }

        if (query.CompletedBefore is { } before)
        {
            clauses.Add(TableClient.CreateQueryFilter($"CompletedAt lt {new DateTimeOffset(DateTime.SpecifyKind(before, DateTimeKind.Utc))}"));
        }

        string? filter = clauses.Count == 0 ? null : string.Join(" and ", clauses);
        await foreach (Page<TableEntity> page in table.QueryAsync<TableEntity>(filter, maxPerPage: query.PageSize, cancellationToken: cancellationToken)
            .AsPages(query.ContinuationToken, query.PageSize).ConfigureAwait(false))
        {
            var items = new List<OrchestrationMetadata>(page.Values.Count);
            foreach (TableEntity entity in page.Values)
            {
                items.Add(await this.ToMetadataAsync(entity, query.FetchInputsAndOutputs, cancellationToken).ConfigureAwait(false));
            }

            return new OrchestrationQueryResult(items, page.ContinuationToken);
        }

        return new OrchestrationQueryResult([], null);
    }

    public async Task DeleteAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(instanceId, string.Empty, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException error) when (StorageErrors.IsNotFound(error))
        {
            // Already gone.
        }
    }

    private async Task<TableEntity> CreateStartEntityAsync(string instanceId, string name, string executionId, string? input, DateTime createdAt, DateTime? scheduledStart, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(instanceId, string.Empty)
        {
            ["Name"] = name,
            ["ExecutionId"] = executionId,
            ["RuntimeStatus"] = nameof(OrchestrationRuntimeStatus.Pending),
            ["CreatedAt"] = createdAt,
            ["LastUpdatedAt"] = createdAt,
        };
        if (scheduledStart is { } start)
        {
            entity["ScheduledStartTime"] = start;
        }

        await this.SetTextAsync(entity, "Input", input, executionId, cancellationToken).ConfigureAwait(false);
        return entity;
    }

    private async Task SetTextAsync(TableEntity entity, string property, string? text, string executionId, CancellationToken cancellationToken)
    {
        if (PayloadStore.ShouldOffload(text))
        {
            string blobName = $"{entity.PartitionKey}/status/{executionId}-{property.ToLowerInvariant()}.json";
            await payloads.UploadAsync(blobName, text!, cancellationToken).ConfigureAwait(false);
            entity[property + "Blob"] = blobName;
            entity[property] = string.Empty;
        }
        else
        {
            entity[property] = text ?? string.Empty;
            entity[property + "Blob"] = string.Empty;
        }
    }

    private async Task<string?> GetTextAsync(TableEntity entity, string property, CancellationToken cancellationToken)
    {
        string? blobName = entity.GetString(property + "Blob");
        if (!string.IsNullOrEmpty(blobName))
        {
            return await payloads.DownloadAsync(blobName, cancellationToken).ConfigureAwait(false);
        }

        string? text = entity.GetString(property);
        return string.IsNullOrEmpty(text) ? null : text;
    }

    private async Task<OrchestrationMetadata> ToMetadataAsync(TableEntity entity, bool withPayloads, CancellationToken cancellationToken)
    {
        string? failureJson = entity.GetString("FailureDetails");
        return new OrchestrationMetadata(entity.GetString("Name") ?? string.Empty, entity.PartitionKey)
        {
            RuntimeStatus = Enum.Parse<OrchestrationRuntimeStatus>(entity.GetString("RuntimeStatus") ?? nameof(OrchestrationRuntimeStatus.Pending)),
            ExecutionId = entity.GetString("ExecutionId"),
            CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? default,
            LastUpdatedAt = entity.GetDateTimeOffset("LastUpdatedAt") ?? default,
            CompletedAt = entity.GetDateTimeOffset("CompletedAt"),
            ScheduledStartTime = entity.GetDateTimeOffset("ScheduledStartTime"),
            ParentInstanceId = entity.GetString("ParentInstanceId"),
            SerializedCustomStatus = await this.GetTextAsync(entity, "CustomStatus", cancellationToken).ConfigureAwait(false),
            SerializedInput = withPayloads ? await this.GetTextAsync(entity, "Input", cancellationToken).ConfigureAwait(false) : null,
            SerializedOutput = withPayloads ? await this.GetTextAsync(entity, "Output", cancellationToken).ConfigureAwait(false) : null,
            FailureDetails = string.IsNullOrEmpty(failureJson) ? null : HistorySerializer.DeserializeValue<TaskFailureDetails>(failureJson),
        };
    }
}
