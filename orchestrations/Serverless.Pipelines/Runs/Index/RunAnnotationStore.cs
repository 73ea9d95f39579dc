using System.Globalization;
using Azure.Data.Tables;
using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Runs.Index;

/// <summary>
/// A run's marks and audit trail, in the runs index table under partition <see cref="RunIndexKeys.RunPartition"/>:
/// row <c>mark-</c> (the run) or <c>mark-{taskId}</c> per mark (a later mark of the same target replaces it), and
/// <c>audit-{ticks}-{n}</c> per action, oldest first.
/// </summary>
public sealed class RunAnnotationStore
{
    private const string MarkPrefix = "mark-";
    private const string AuditPrefix = "audit-";
    private readonly RunIndexStore index;

    /// <summary>Initializes a new instance of the <see cref="RunAnnotationStore"/> class.</summary>
    /// <param name="index">The runs index whose table holds the annotations.</param>
    public RunAnnotationStore(RunIndexStore index) => this.index = index;

    /// <summary>Stores a mark, replacing an earlier one of the same target.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="mark">The mark.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task SetMarkAsync(string runId, RunMark mark, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mark);
        var table = await this.index.TableAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(RunIndexKeys.RunPartition(runId), MarkPrefix + mark.TaskId)
        {
            ["TaskId"] = mark.TaskId ?? string.Empty,
            ["State"] = WireNames.Of(mark.State),
            ["By"] = mark.By,
            ["At"] = mark.At,
        };
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends an action to the run's audit trail.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="entry">The action.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task AddAuditAsync(string runId, RunAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await this.index.TableAsync(cancellationToken).ConfigureAwait(false);

        // Ticks order the trail; the random suffix keeps two actions in one tick apart.
        var rowKey = string.Create(CultureInfo.InvariantCulture, $"{AuditPrefix}{entry.At.UtcTicks:D19}-{Guid.NewGuid():N}");
        await table.AddEntityAsync(ToRow(RunIndexKeys.RunPartition(runId), rowKey, entry), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends an action to a DAG's audit trail (row key: inverted ticks, so a read is newest first).</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="entry">The action.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task AddDagAuditAsync(string dagId, RunAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await this.index.TableAsync(cancellationToken).ConfigureAwait(false);
        var rowKey = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - entry.At.UtcTicks:D19}-{Guid.NewGuid():N}");
        await table.AddEntityAsync(ToRow(RunIndexKeys.DagAuditPartition(dagId), rowKey, entry), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a DAG's latest actions, newest first.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="max">The most entries to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    public async Task<IReadOnlyList<RunAuditEntry>> ReadDagAuditAsync(string dagId, int max, CancellationToken cancellationToken = default)
    {
        var table = await this.index.TableAsync(cancellationToken).ConfigureAwait(false);
        var partition = RunIndexKeys.DagAuditPartition(dagId);
        var entries = new List<RunAuditEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), maxPerPage: Math.Clamp(max, 1, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries.Add(FromRow(row));
            if (entries.Count >= max)
            {
                break;
            }
        }

        return entries;
    }

    /// <summary>Reads a run's marks (oldest first) and audit trail (oldest first).</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The marks and the trail.</returns>
    public async Task<(IReadOnlyList<RunMark> Marks, IReadOnlyList<RunAuditEntry> Audit)> ReadAsync(string runId, CancellationToken cancellationToken = default)
    {
        var table = await this.index.TableAsync(cancellationToken).ConfigureAwait(false);
        var marks = new List<RunMark>();
        var audit = new List<RunAuditEntry>();
        var partition = RunIndexKeys.RunPartition(runId);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var at = row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue;
            var by = row.GetString("By") ?? "unknown";
            if (row.RowKey.StartsWith(MarkPrefix, StringComparison.Ordinal) && WireNames.TryParse<DagRunState>(row.GetString("State"), out var state))
            {
                marks.Add(new RunMark(row.GetString("TaskId") is { Length: > 0 } task ? task : null, state, by, at));
            }
            else if (row.RowKey.StartsWith(AuditPrefix, StringComparison.Ordinal))
            {
                audit.Add(FromRow(row));
            }
        }

        return (marks.OrderBy(m => m.At).ToList(), audit);
    }

    private static TableEntity ToRow(string partition, string rowKey, RunAuditEntry entry) => new(partition, rowKey)
    {
        ["At"] = entry.At,
        ["By"] = entry.By,
        ["Action"] = entry.Action,
        ["Detail"] = entry.Detail is { Length: > 2000 } detail ? detail[..2000] : entry.Detail,
    };

    private static RunAuditEntry FromRow(TableEntity row) =>
        new(row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, row.GetString("By") ?? "unknown", row.GetString("Action") ?? string.Empty, row.GetString("Detail"));
}
