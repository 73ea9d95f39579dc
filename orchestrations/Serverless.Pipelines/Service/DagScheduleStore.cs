using Azure;
using Azure.Data.Tables;
using Serverless.Storage.Connection;
using Serverless.Storage.Tables;

namespace Serverless.Pipelines.Service;

/// <summary>
/// The scheduler's memory: per DAG the logical date of the latest scheduled run it started, in table
/// <see cref="TableName"/> (partition key = DAG id). Losing it is harmless: run ids are derived from logical dates,
/// so the next tick finds the existing runs instead of starting them again.
/// </summary>
internal sealed class DagScheduleStore
{
    /// <summary>The table name.</summary>
    public const string TableName = PipelineResourceNames.ScheduleTable;

    private readonly TableClient table;
    private readonly OnDemandTable onDemand;

    public DagScheduleStore(StorageAccount account)
    {
        this.table = account.Tables.GetTableClient(TableName);
        this.onDemand = new OnDemandTable(this.table);
    }

    public async Task<DateTimeOffset?> GetLastLogicalDateAsync(string dagId, CancellationToken cancellationToken)
    {
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var entity = await this.table.GetEntityIfExistsAsync<TableEntity>(dagId, string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity.HasValue ? entity.Value!.GetDateTimeOffset("LastLogicalDate") : null;
    }

    // Through the on-demand table: after a storage reset the first tick's write recreates the table (moving forward
    // only, so running it again is safe).
    public Task AdvanceAsync(string dagId, DateTimeOffset logicalDate, CancellationToken cancellationToken) =>
        this.onDemand.RunAsync(() => this.AdvanceCoreAsync(dagId, logicalDate, cancellationToken), cancellationToken);

    private async Task AdvanceCoreAsync(string dagId, DateTimeOffset logicalDate, CancellationToken cancellationToken)
    {
        // Only ever move forward: two ticks racing may both write, and the later date must win.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await this.table.GetEntityIfExistsAsync<TableEntity>(dagId, string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!existing.HasValue)
                {
                    await this.table.AddEntityAsync(new TableEntity(dagId, string.Empty) { ["LastLogicalDate"] = logicalDate }, cancellationToken).ConfigureAwait(false);
                    return;
                }

                var entity = existing.Value!;
                if (entity.GetDateTimeOffset("LastLogicalDate") is { } last && last >= logicalDate)
                {
                    return;
                }

                entity["LastLogicalDate"] = logicalDate;
                await this.table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException error) when (error.Status is 409 or 412)
            {
                // Another tick wrote first: read again and compare.
            }
        }
    }

    private Task EnsureTableAsync(CancellationToken cancellationToken) => this.onDemand.EnsureAsync(cancellationToken);
}
