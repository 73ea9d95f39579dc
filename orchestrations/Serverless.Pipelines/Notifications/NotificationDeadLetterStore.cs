using System.Globalization;
using Azure.Data.Tables;
using Serverless.Pipelines.Definitions;
using Serverless.Storage.Connection;
using Serverless.Storage.Tables;

namespace Serverless.Pipelines.Notifications;

/// <summary>
/// The dead-letter table (<see cref="TableName"/>): one row per event and target whose delivery used up its attempts.
/// Partition key: the DAG id; row key: <c>{eventId}-{targetIndex}</c>. Columns: <c>RunId</c>, <c>TaskId</c>,
/// <c>MapIndex</c>, <c>Attempt</c>, <c>Kind</c>, <c>Target</c> (the setting name, or the URL's scheme and host only),
/// <c>Shape</c>, <c>Event</c> (the plain JSON body), <c>Attempts</c>, <c>LastError</c>, <c>DeadLetteredAt</c>.
/// </summary>
public sealed class NotificationDeadLetterStore
{
    /// <summary>The table name.</summary>
    public const string TableName = "NotificationDeadLetters";

    private const int MaxErrorChars = 4000;
    private const int MaxScanned = 10_000;
    private readonly TableClient table;
    private readonly OnDemandTable onDemand;

    /// <summary>Initializes a new instance of the <see cref="NotificationDeadLetterStore"/> class.</summary>
    /// <param name="account">The storage account.</param>
    public NotificationDeadLetterStore(StorageAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        this.table = account.Tables.GetTableClient(TableName);
        this.onDemand = new OnDemandTable(this.table);
    }

    /// <summary>Gets the row key of a delivery.</summary>
    /// <param name="delivery">The delivery.</param>
    /// <returns>The row key.</returns>
    public static string RowKey(NotificationDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return string.Create(CultureInfo.InvariantCulture, $"{delivery.Event.Id}-{delivery.TargetIndex}");
    }

    /// <summary>Lists a DAG's dead letters, newest first, optionally of one run only.</summary>
    /// <param name="dagId">The DAG id (validated: it is the partition key).</param>
    /// <param name="runId">Only this run, or null for all.</param>
    /// <param name="max">The most rows returned (1 to 1000).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The dead letters.</returns>
    public async Task<IReadOnlyList<NotificationDeadLetterRow>> ListAsync(string dagId, string? runId, int max, CancellationToken cancellationToken = default)
    {
        if (!DagIdentifiers.IsValidDagId(dagId))
        {
            throw new ArgumentException($"DAG id '{dagId}' is not valid.", nameof(dagId));
        }

        await this.onDemand.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var filter = runId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {dagId}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {dagId} and RunId eq {runId}");
        var rows = new List<NotificationDeadLetterRow>();

        // A partition holds one DAG's letters; bounded so that a DAG with a long-dead endpoint cannot make a read unbounded.
        var scanned = 0;
        await foreach (var row in this.table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var key = row.RowKey;
            var dash = key.LastIndexOf('-');
            rows.Add(new NotificationDeadLetterRow(
                dash > 0 ? key[..dash] : key,
                row.PartitionKey,
                row.GetString("RunId"),
                row.GetString("TaskId"),
                row.GetInt32("MapIndex"),
                row.GetInt32("Attempt"),
                row.GetString("Kind"),
                row.GetString("Target"),
                row.GetInt32("Attempts"),
                row.GetString("LastError"),
                row.GetDateTimeOffset("DeadLetteredAt")));
            if (++scanned >= MaxScanned)
            {
                break;
            }
        }

        return rows.OrderByDescending(r => r.DeadLetteredAt).Take(Math.Clamp(max, 1, 1000)).ToList();
    }

    /// <summary>Writes (or rewrites: the row is keyed by event and target, so a repeat is harmless) a dead letter.</summary>
    /// <param name="letter">The dead letter.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public async Task WriteAsync(NotificationDeadLetter letter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var notification = letter.Delivery.Event;

        // The keys come from the run's validated DAG id and a hex hash; checked anyway, as every key is.
        if (!DagIdentifiers.IsValidDagId(notification.DagId))
        {
            throw new ArgumentException($"DAG id '{notification.DagId}' is not valid as a table key.", nameof(letter));
        }

        var entity = new TableEntity(notification.DagId, RowKey(letter.Delivery))
        {
            ["RunId"] = notification.RunId,
            ["TaskId"] = notification.TaskId,
            ["MapIndex"] = notification.MapIndex,
            ["Attempt"] = notification.Attempt,
            ["Kind"] = WireNames.Of(notification.Kind),
            ["Target"] = letter.Delivery.Target.Describe(),
            ["Shape"] = WireNames.Of(letter.Delivery.Target.Shape),
            ["Event"] = NotificationBodies.Json(notification).ToJsonString(),
            ["Attempts"] = letter.Attempts,
            ["LastError"] = letter.LastError.Length > MaxErrorChars ? letter.LastError[..MaxErrorChars] : letter.LastError,
            ["DeadLetteredAt"] = new DateTimeOffset(DateTime.SpecifyKind(letter.DeadLetteredAt, DateTimeKind.Utc)),
        };
        await this.onDemand.RunAsync(() => this.table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken), cancellationToken).ConfigureAwait(false);
    }
}
