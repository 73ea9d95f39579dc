using System.Globalization;
using Azure.Data.Tables;
using Serverless.Pipelines.Runs.Index;

namespace Serverless.Pipelines.Runs.Tasks;

/// <summary>
/// A run's task instance records while it runs, so the run's custom status can stay small and constant-size: rows in
/// the runs index table under partition <see cref="RunIndexKeys.TaskPartition"/>, one per task instance, row key
/// <c>{position:D5}-{mapIndex + 1:D5}</c> (topological position, then map index, so a partition scan returns the run's
/// task list in order). Activities the run calls anyway (job submits, manifest writes) carry the records that changed
/// since the last write; a finished run's output holds every record.
/// </summary>
/// <remarks>
/// Writes are upserts in table transactions of at most <see cref="MaxBatch"/> rows of one partition, so a repeated
/// activity is harmless. Two activities of one run can carry two versions of one record; the older may land last, so a
/// reader can see a record one change behind until the record's next write.
/// </remarks>
public sealed class RunTaskStore
{
    /// <summary>The most rows of one table transaction (the service's limit).</summary>
    public const int MaxBatch = 100;

    /// <summary>The most characters of one record's JSON (a table string property holds 32K UTF-16 characters).</summary>
    public const int MaxJson = 30_000;

    private readonly RunIndexStore index;

    /// <summary>Initializes a new instance of the <see cref="RunTaskStore"/> class.</summary>
    /// <param name="index">The runs index, whose table holds the records.</param>
    public RunTaskStore(RunIndexStore index) => this.index = index ?? throw new ArgumentNullException(nameof(index));

    /// <summary>Gets a record's row key.</summary>
    /// <param name="position">The task's topological position.</param>
    /// <param name="mapIndex">The map index, or null.</param>
    /// <returns>The row key.</returns>
    public static string RowKey(int position, int? mapIndex) => string.Create(CultureInfo.InvariantCulture, $"{position:D5}-{(mapIndex ?? -1) + 1:D5}");

    /// <summary>Writes records, replacing earlier versions; the last of two records with one key wins.</summary>
    /// <param name="runId">The run id (validated by the caller: run ids hold no characters table keys refuse).</param>
    /// <param name="records">The records.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task UpsertAsync(string runId, IEnumerable<StoredTaskRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(records);

        // A transaction may not name one row twice.
        var rows = new Dictionary<string, StoredTaskRecord>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            rows[RowKey(record.Position, record.MapIndex)] = record;
        }

        if (rows.Count == 0)
        {
            return;
        }

        var table = await this.index.TableAsync(cancellationToken).ConfigureAwait(false);
        var partition = RunIndexKeys.TaskPartition(runId);
        foreach (var batch in rows.Chunk(MaxBatch))
        {
            var actions = batch.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, row.Key)
            {
                ["Json"] = row.Value.Json.Length > MaxJson ? throw new ArgumentException($"A task record is {row.Value.Json.Length} characters; at most {MaxJson} fit.", nameof(records)) : row.Value.Json,
            }));
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a run's records in task-list order.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The records' JSON; empty when the run stored none.</returns>
    public async Task<IReadOnlyList<string>> ReadAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var table = await this.index.TableAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RunIndexKeys.TaskPartition(runId)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["Json"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("Json") is { } json)
            {
                records.Add(json);
            }
        }

        return records;
    }
}
