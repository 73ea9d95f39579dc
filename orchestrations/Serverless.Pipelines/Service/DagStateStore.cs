using Azure;
using Azure.Data.Tables;
using Serverless.Pipelines.Definitions;
using Serverless.Storage.Connection;
using Serverless.Storage.Tables;

namespace Serverless.Pipelines.Service;

/// <summary>
/// Per-DAG operator state in table <see cref="PipelineResourceNames.DagStateTable"/> (partition key = DAG id, empty
/// row key): whether the DAG is paused, who changed it and when. A DAG without a row gets one on first read, paused or
/// not as its <see cref="DagDefinition.IsPausedUponCreation"/> (or the host default) says, so the file's setting only
/// applies upon creation, as in Airflow.
/// </summary>
internal sealed class DagStateStore
{
    private const string PausedColumn = "Paused";
    private readonly TableClient table;
    private readonly OnDemandTable onDemand;

    public DagStateStore(StorageAccount account)
    {
        this.table = account.Tables.GetTableClient(PipelineResourceNames.DagStateTable);
        this.onDemand = new OnDemandTable(this.table);
    }

    /// <summary>Gets whether a DAG is paused, creating its row from the creation default when it has none.</summary>
    public Task<bool> IsPausedAsync(DagDefinition dag, bool pausedAtCreation, CancellationToken cancellationToken) =>
        this.onDemand.RunAsync(() => this.IsPausedCoreAsync(dag, pausedAtCreation, cancellationToken), cancellationToken);

    /// <summary>Gets whether a DAG is paused, creating its row from the creation default when it has none.</summary>
    private async Task<bool> IsPausedCoreAsync(DagDefinition dag, bool pausedAtCreation, CancellationToken cancellationToken)
    {
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var existing = await this.table.GetEntityIfExistsAsync<TableEntity>(dag.Id, string.Empty, [PausedColumn], cancellationToken).ConfigureAwait(false);
        if (existing.HasValue && existing.Value!.GetBoolean(PausedColumn) is { } paused)
        {
            return paused;
        }

        var initial = dag.IsPausedUponCreation ?? pausedAtCreation;
        try
        {
            await this.table.AddEntityAsync(new TableEntity(dag.Id, string.Empty) { [PausedColumn] = initial, ["ChangedBy"] = "creation" }, cancellationToken).ConfigureAwait(false);
            return initial;
        }
        catch (RequestFailedException error) when (error.Status == 409)
        {
            // Another reader (or a pause call) created the row first: its value stands.
            var winner = await this.table.GetEntityAsync<TableEntity>(dag.Id, string.Empty, [PausedColumn], cancellationToken).ConfigureAwait(false);
            return winner.Value.GetBoolean(PausedColumn) ?? initial;
        }
    }

    /// <summary>Sets a DAG's pause state.</summary>
    public Task SetPausedAsync(string dagId, bool paused, string changedBy, DateTimeOffset at, CancellationToken cancellationToken) =>
        this.onDemand.RunAsync(() => this.SetPausedCoreAsync(dagId, paused, changedBy, at, cancellationToken), cancellationToken);

    /// <summary>Sets a DAG's pause state.</summary>
    private async Task SetPausedCoreAsync(string dagId, bool paused, string changedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(dagId, string.Empty) { [PausedColumn] = paused, ["ChangedBy"] = changedBy, ["ChangedAt"] = at };
        await this.table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    private Task EnsureTableAsync(CancellationToken cancellationToken) => this.onDemand.EnsureAsync(cancellationToken);
}
