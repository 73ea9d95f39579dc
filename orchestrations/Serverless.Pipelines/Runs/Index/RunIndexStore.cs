using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Serverless.Pipelines.Definitions;
using Serverless.Storage.Connection;
using Serverless.Storage.Tables;

namespace Serverless.Pipelines.Runs.Index;

/// <summary>
/// The runs index: a table keyed for newest-first listing per DAG and overall (<see cref="RunIndexKeys"/>), because
/// the task hub's instance query is neither time-ordered nor DAG-indexed. Every run has a row in partition
/// <see cref="RunIndexKeys.AllPartition"/> and one in its DAG's partition, written when the run is started and by an
/// activity of the run as its state changes.
/// </summary>
/// <remarks>
/// Writes are idempotent upserts (activities run at least once). The two rows of a run are not written atomically; a
/// reader sees the newer one a moment later at worst.
/// </remarks>
public sealed class RunIndexStore
{
    /// <summary>The most characters of task JSON kept per row (a table string property holds 32K UTF-16 characters).</summary>
    public const int MaxTasksJson = 30_000;

    private const string BackfillRow = "index-backfill";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };
    private readonly TableClient table;
    private readonly OnDemandTable onDemand;

    /// <summary>Initializes a new instance of the <see cref="RunIndexStore"/> class.</summary>
    /// <param name="account">The storage account.</param>
    /// <param name="tableName">The table name.</param>
    public RunIndexStore(StorageAccount account, string tableName)
    {
        ArgumentNullException.ThrowIfNull(account);
        this.table = account.Tables.GetTableClient(tableName);
        this.onDemand = new OnDemandTable(this.table);
    }

    /// <summary>Gets the table, created if needed, for the run's marks and audit trail (<see cref="RunAnnotationStore"/>).</summary>
    internal async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        return this.table;
    }

    /// <summary>Writes a run's start row unless the run already has one (a start never overwrites a later state).</summary>
    /// <param name="entry">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task AddIfAbsentAsync(RunIndexEntry entry, CancellationToken cancellationToken = default) =>
        this.onDemand.RunAsync(() => this.AddIfAbsentCoreAsync(entry, cancellationToken), cancellationToken);

    /// <summary>Writes a run's start row unless the run already has one (a start never overwrites a later state).</summary>
    /// <param name="entry">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    private async Task AddIfAbsentCoreAsync(RunIndexEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        foreach (var partition in Partitions(entry))
        {
            try
            {
                await this.table.AddEntityAsync(ToEntity(partition, entry), cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException error) when (error.Status == 409)
            {
                // The run's own activity wrote first: its state is newer.
            }
        }
    }

    /// <summary>Records a run's current state, keeping stored members the entry leaves null.</summary>
    /// <param name="entry">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task RecordAsync(RunIndexEntry entry, CancellationToken cancellationToken = default) =>
        this.onDemand.RunAsync(() => this.RecordCoreAsync(entry, cancellationToken), cancellationToken);

    /// <summary>Records a run's current state, keeping stored members the entry leaves null.</summary>
    /// <param name="entry">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    private async Task RecordCoreAsync(RunIndexEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        foreach (var partition in Partitions(entry))
        {
            await this.table.UpsertEntityAsync(ToEntity(partition, entry), TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gets the index backfill's cursor: null before it started, <see cref="RunIndexBackfillCursor.Done"/> once finished.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cursor.</returns>
    public async Task<RunIndexBackfillCursor?> GetBackfillCursorAsync(CancellationToken cancellationToken = default)
    {
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var row = await this.table.GetEntityIfExistsAsync<TableEntity>(RunIndexKeys.MetaPartition, BackfillRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue
            ? new RunIndexBackfillCursor(row.Value!.GetString("Continuation"), row.Value.GetBoolean("Done") ?? false, row.Value.GetInt32("Scanned") ?? 0, row.Value.GetInt32("Recorded") ?? 0)
            : null;
    }

    /// <summary>Stores the index backfill's cursor.</summary>
    /// <param name="cursor">The cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task SetBackfillCursorAsync(RunIndexBackfillCursor cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(RunIndexKeys.MetaPartition, BackfillRow) { ["Continuation"] = cursor.Continuation, ["Done"] = cursor.Done, ["Scanned"] = cursor.Scanned, ["Recorded"] = cursor.Recorded };
        await this.table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets one run's row, or null.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="logicalDate">The logical date.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry.</returns>
    public async Task<RunIndexEntry?> GetAsync(string dagId, DateTimeOffset logicalDate, string runId, CancellationToken cancellationToken = default)
    {
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var row = await this.table.GetEntityIfExistsAsync<TableEntity>(RunIndexKeys.DagPartition(dagId), RunIndexKeys.RowKey(logicalDate, runId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Deletes a run's rows, its marks, its audit trail and its task records (purge).</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="logicalDate">The logical date.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public Task DeleteAsync(string dagId, DateTimeOffset logicalDate, string runId, CancellationToken cancellationToken = default) =>
        this.onDemand.RunAsync(() => this.DeleteCoreAsync(dagId, logicalDate, runId, cancellationToken), cancellationToken);

    private async Task DeleteCoreAsync(string dagId, DateTimeOffset logicalDate, string runId, CancellationToken cancellationToken)
    {
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var rowKey = RunIndexKeys.RowKey(logicalDate, runId);
        await this.table.DeleteEntityAsync(RunIndexKeys.AllPartition, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        await this.table.DeleteEntityAsync(RunIndexKeys.DagPartition(dagId), rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        foreach (var runPartition in new[] { RunIndexKeys.RunPartition(runId), RunIndexKeys.TaskPartition(runId) })
        {
            await foreach (var row in this.table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {runPartition}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                await this.table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Lists runs newest first: every page full except the last, a cursor that survives concurrent inserts.</summary>
    /// <param name="query">The filter and paging.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page.</returns>
    /// <exception cref="ArgumentException">The continuation token is not one this index made.</exception>
    public Task<RunIndexPage<RunIndexEntry>> ListAsync(RunIndexQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);

        // Through the on-demand table like the writes: after a storage reset a list finds the table gone, and the
        // answer is an empty page from a recreated table, not a 500.
        return this.onDemand.RunAsync(() => this.ListCoreAsync(query, cancellationToken), cancellationToken);
    }

    private async Task<RunIndexPage<RunIndexEntry>> ListCoreAsync(RunIndexQuery query, CancellationToken cancellationToken)
    {
        var after = Cursor(query.Continuation);
        var filter = Filter(query.DagId, query.From, query.To, after.RowKey, inclusive: false);
        if (query.State is { } state)
        {
            filter += " and " + TableClient.CreateQueryFilter($"State eq {WireNames.Of(state)}");
        }

        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        var items = new List<RunIndexEntry>(pageSize);
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var row in this.table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, pageSize + 1), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (items.Count == pageSize)
            {
                // One more row exists: this page is full and another follows.
                return new RunIndexPage<RunIndexEntry>(items, RunIndexKeys.EncodeContinuation(RunIndexKeys.RowKey(items[^1].LogicalDate, items[^1].RunId)));
            }

            items.Add(FromEntity(row));
        }

        return new RunIndexPage<RunIndexEntry>(items, null);
    }

    /// <summary>Lists the newest rows not yet final (queued or running), whatever else a list filters on.</summary>
    /// <param name="dagId">The DAG, or null for every DAG.</param>
    /// <param name="from">The earliest logical date, or null.</param>
    /// <param name="to">The latest logical date, or null.</param>
    /// <param name="max">The most rows to return.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rows, newest logical date first.</returns>
    public Task<List<RunIndexEntry>> ListUnfinishedAsync(string? dagId, DateTimeOffset? from, DateTimeOffset? to, int max, CancellationToken cancellationToken = default) =>
        this.onDemand.RunAsync(
            async () =>
            {
                var filter = Filter(dagId, from, to, after: null, inclusive: false)
                    + " and " + TableClient.CreateQueryFilter($"(State eq {WireNames.Of(DagRunState.Queued)} or State eq {WireNames.Of(DagRunState.Running)})");
                var rows = new List<RunIndexEntry>();
                await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
                await foreach (var row in this.table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Clamp(max, 1, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(FromEntity(row));
                    if (rows.Count >= max)
                    {
                        break;
                    }
                }

                return rows;
            },
            cancellationToken);

    /// <summary>Lists the task instances of indexed runs, runs newest first and instances in run order.</summary>
    /// <param name="query">The filter and paging.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page.</returns>
    /// <exception cref="ArgumentException">The continuation token is not one this index made.</exception>
    public Task<RunIndexPage<IndexedTaskInstance>> ListTaskInstancesAsync(TaskInstanceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return this.onDemand.RunAsync(() => this.ListTaskInstancesCoreAsync(query, cancellationToken), cancellationToken);
    }

    private async Task<RunIndexPage<IndexedTaskInstance>> ListTaskInstancesCoreAsync(TaskInstanceQuery query, CancellationToken cancellationToken)
    {
        var after = Cursor(query.Continuation);

        // The cursor's own run is read again: the page may have ended inside it.
        var filter = Filter(query.DagId, query.From, query.To, after.RowKey, inclusive: true);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        var items = new List<(IndexedTaskInstance Item, string RowKey, int Position)>(pageSize);
        await this.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var row in this.table.QueryAsync<TableEntity>(filter, maxPerPage: 200, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var run = FromEntity(row);
            var tasks = run.Tasks ?? [];
            for (var position = 0; position < tasks.Count; position++)
            {
                if ((string.Equals(row.RowKey, after.RowKey, StringComparison.Ordinal) && position <= after.Position)
                    || (query.TaskId is not null && !string.Equals(tasks[position].Id, query.TaskId, StringComparison.Ordinal))
                    || (query.State is { } state && tasks[position].State != state))
                {
                    continue;
                }

                if (items.Count == pageSize)
                {
                    var last = items[^1];
                    return new RunIndexPage<IndexedTaskInstance>(items.Select(i => i.Item).ToList(), RunIndexKeys.EncodeContinuation(last.RowKey, last.Position));
                }

                items.Add((new IndexedTaskInstance(run.RunId, run.DagId, run.LogicalDate, run.State, tasks[position]), row.RowKey, position));
            }
        }

        return new RunIndexPage<IndexedTaskInstance>(items.Select(i => i.Item).ToList(), null);
    }

    private static (string? RowKey, int Position) Cursor(string? continuation)
    {
        if (continuation is null)
        {
            return (null, -1);
        }

        return RunIndexKeys.TryDecodeContinuation(continuation, out var rowKey, out var position)
            ? (rowKey, position)
            : throw new ArgumentException("The continuation token is not one this listing returned.", nameof(continuation));
    }

    private static string[] Partitions(RunIndexEntry entry) => [RunIndexKeys.AllPartition, RunIndexKeys.DagPartition(entry.DagId)];

    private static TableEntity ToEntity(string partition, RunIndexEntry entry)
    {
        var row = new TableEntity(partition, RunIndexKeys.RowKey(entry.LogicalDate, entry.RunId))
        {
            ["RunId"] = entry.RunId,
            ["DagId"] = entry.DagId,
            ["LogicalDate"] = entry.LogicalDate,
            ["State"] = WireNames.Of(entry.State),
        };
        Optional(row, "TriggeredBy", entry.TriggeredBy is { } by ? WireNames.Of(by) : null);
        Optional(row, "RerunOf", entry.RerunOf);
        Optional(row, "CreatedAt", entry.CreatedAt);
        Optional(row, "StartedAt", entry.StartedAt);
        Optional(row, "EndedAt", entry.EndedAt);
        Optional(row, "Error", entry.Error is { Length: > 2000 } text ? text[..2000] : entry.Error);
        Optional(row, "DeadlineMissed", entry.DeadlineMissed ? true : null);
        if (entry.Tasks is { } tasks)
        {
            // A mapped task can have thousands of instances: keep what fits, and say that the rest was left out.
            var kept = tasks.ToList();
            var json = JsonSerializer.Serialize(kept, Json);
            while (json.Length > MaxTasksJson && kept.Count > 0)
            {
                kept.RemoveRange(kept.Count / 2, kept.Count - (kept.Count / 2));
                json = JsonSerializer.Serialize(kept, Json);
            }

            row["Tasks"] = json;
            row["TasksOmitted"] = tasks.Count - kept.Count;
        }

        return row;
    }

    private static void Optional(TableEntity row, string name, object? value)
    {
        if (value is not null)
        {
            row[name] = value;
        }
    }

    private static RunIndexEntry FromEntity(TableEntity row) => new()
    {
        RunId = row.GetString("RunId"),
        DagId = row.GetString("DagId"),
        LogicalDate = row.GetDateTimeOffset("LogicalDate") ?? DateTimeOffset.MinValue,
        State = WireNames.TryParse<DagRunState>(row.GetString("State"), out var state) ? state : DagRunState.Queued,
        TriggeredBy = WireNames.TryParse<DagRunTriggeredBy>(row.GetString("TriggeredBy"), out var by) ? by : null,
        RerunOf = row.GetString("RerunOf"),
        CreatedAt = row.GetDateTimeOffset("CreatedAt"),
        StartedAt = row.GetDateTimeOffset("StartedAt"),
        EndedAt = row.GetDateTimeOffset("EndedAt"),
        Error = row.GetString("Error"),
        DeadlineMissed = row.GetBoolean("DeadlineMissed") ?? false,
        Tasks = row.GetString("Tasks") is { } json ? JsonSerializer.Deserialize<List<RunIndexTask>>(json, Json) : null,
    };

    private static string Filter(string? dagId, DateTimeOffset? from, DateTimeOffset? to, string? after, bool inclusive)
    {
        var partition = dagId is null ? RunIndexKeys.AllPartition : RunIndexKeys.DagPartition(dagId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        if (to is { } end)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey ge {RunIndexKeys.FirstBefore(end)}");
        }

        if (from is { } start)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey lt {RunIndexKeys.AfterLast(start)}");
        }

        if (after is not null)
        {
            filter += " and " + (inclusive ? TableClient.CreateQueryFilter($"RowKey ge {after}") : TableClient.CreateQueryFilter($"RowKey gt {after}"));
        }

        return filter;
    }

    private Task EnsureTableAsync(CancellationToken cancellationToken) => this.onDemand.EnsureAsync(cancellationToken);
}
