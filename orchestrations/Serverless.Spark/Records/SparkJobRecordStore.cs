using Azure;
using Azure.Data.Tables;
using Serverless.Storage.Connection;
using Serverless.Storage.Tables;

namespace Serverless.Spark.Records;

/// <summary>The <c>SparkJobs</c> table: job records and cluster idempotency mappings.</summary>
internal sealed class SparkJobRecordStore
{
    private readonly TableClient table;
    private readonly OnDemandTable onDemand;

    /// <summary>Initializes a new instance of the <see cref="SparkJobRecordStore"/> class.</summary>
    /// <param name="account">The storage account.</param>
    /// <param name="tableName">The table name.</param>
    public SparkJobRecordStore(StorageAccount account, string tableName = SparkResourceNames.JobsTable)
    {
        ArgumentNullException.ThrowIfNull(account);
        this.table = account.Tables.GetTableClient(tableName);
        this.onDemand = new OnDemandTable(this.table);
    }

    /// <summary>Adds a record; returns false when one with the same key exists.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was added.</returns>
    public async Task<bool> TryAddAsync(SparkJobRecord record, CancellationToken cancellationToken)
    {
        return await this.onDemand.RunAsync(
            async () =>
            {
                try
                {
                    Response response = await this.table.AddEntityAsync(record, cancellationToken).ConfigureAwait(false);
                    record.ETag = response.Headers.ETag ?? default;
                    return true;
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    return false;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a record.</summary>
    /// <param name="backend">The backend (partition).</param>
    /// <param name="key">The idempotency key (row).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record or null.</returns>
    public async Task<SparkJobRecord?> GetAsync(string backend, string key, CancellationToken cancellationToken)
    {
        NullableResponse<SparkJobRecord> response = await this.onDemand.RunAsync(
            () => this.table.GetEntityIfExistsAsync<SparkJobRecord>(backend, key, cancellationToken: cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Replaces a record if it did not change since it was read; returns false on a concurrent change.</summary>
    /// <param name="record">The record with the ETag it was read with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was written.</returns>
    public async Task<bool> TryReplaceAsync(SparkJobRecord record, CancellationToken cancellationToken)
    {
        try
        {
            Response response = await this.table
                .UpdateEntityAsync(record, record.ETag, TableUpdateMode.Replace, cancellationToken)
                .ConfigureAwait(false);
            record.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Writes a record whatever its current version.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task UpsertAsync(SparkJobRecord record, CancellationToken cancellationToken)
    {
        Response response = await this.onDemand.RunAsync(
            () => this.table.UpsertEntityAsync(record, TableUpdateMode.Replace, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        record.ETag = response.Headers.ETag ?? default;
    }
}
