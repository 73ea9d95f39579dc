using System.Text.Json;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Records;

/// <summary>
/// Keeps the first final status of a cluster job in its <c>SparkJobs</c> record. Clusters forget finished jobs (Livy
/// after <c>livy.server.session.state-retain.sec</c>, Databricks after 60 days or a delete), and a delete of a finished
/// Livy batch is indistinguishable from a kill; the stored copy makes every later read answer what was first seen.
/// </summary>
/// <remarks>
/// <see cref="SparkJobState.Lost"/> is never stored: it is inferred from an absence, which a later read may disprove.
/// Writes are conditional on the record's ETag, so of two pollers that see different final states the first one
/// written wins and the other returns it.
/// </remarks>
internal sealed class FinalStatusRecords
{
    private const int MaxLogLines = 50;
    private const int MaxLineLength = 500;
    private const int MaxTextLength = 4_000;

    // A table string property holds at most 32K UTF-16 characters; JSON escapes can make text longer than it looks.
    private const int MaxJsonLength = 30_000;
    private readonly SparkJobRecordStore store;
    private readonly string backend;

    /// <summary>Initializes a new instance of the <see cref="FinalStatusRecords"/> class.</summary>
    /// <param name="store">The jobs table.</param>
    /// <param name="backend">The backend (partition key).</param>
    public FinalStatusRecords(SparkJobRecordStore store, string backend)
    {
        this.store = store;
        this.backend = backend;
    }

    /// <summary>Reads the record of a handle's key; null when there is none or the key cannot be a row key.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record or null.</returns>
    public Task<SparkJobRecord?> GetAsync(SparkJobHandle handle, CancellationToken cancellationToken) =>
        SparkIdempotencyKey.IsValid(handle.IdempotencyKey)
            ? this.store.GetAsync(this.backend, handle.IdempotencyKey, cancellationToken)
            : Task.FromResult<SparkJobRecord?>(null);

    /// <summary>Returns the final status stored in a record for a job, or null.</summary>
    /// <param name="record">The record (may be null).</param>
    /// <param name="jobId">The job id the caller asks about; a record of another job of the same key does not answer.</param>
    /// <returns>The stored status or null.</returns>
    public static SparkJobStatus? Stored(SparkJobRecord? record, string jobId) =>
        record is { FinalStatusJson: { Length: > 0 } json } && record.JobId == jobId
            ? JsonSerializer.Deserialize<SparkJobStatus>(json, SparkJson.Options)
            : null;

    /// <summary>Stores a final status unless one is stored already; returns the status that is stored.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="status">A final status just read from the cluster.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored status: <paramref name="status"/> (shortened to fit a table property) or the one stored first.</returns>
    public async Task<SparkJobStatus> KeepFirstAsync(SparkJobHandle handle, SparkJobStatus status, CancellationToken cancellationToken)
    {
        SparkJobStatus compact = Compact(status);
        if (!compact.IsTerminal || compact.State == SparkJobState.Lost || !SparkIdempotencyKey.IsValid(handle.IdempotencyKey))
        {
            return compact;
        }

        // A few rounds are enough: each failed round means another writer changed the record, usually to store a final state.
        for (int attempt = 0; attempt < 5; attempt++)
        {
            SparkJobRecord? record = await this.store.GetAsync(this.backend, handle.IdempotencyKey, cancellationToken).ConfigureAwait(false);
            if (record is null || record.JobId != handle.JobId)
            {
                // No record of this job (a handle from elsewhere, or the key was reused for another job): nothing to protect.
                return compact;
            }

            if (Stored(record, handle.JobId) is { } first)
            {
                return first;
            }

            record.FinalStatusJson = Serialize(ref compact);
            record.State = compact.State.ToString();
            record.Message = compact.Message;
            record.CompletedAt ??= DateTimeOffset.UtcNow;
            if (await this.store.TryReplaceAsync(record, cancellationToken).ConfigureAwait(false))
            {
                return compact;
            }
        }

        return compact;
    }

    /// <summary>Shortens a status: the last log lines, each line and each text cut to a length a reader still uses.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The shortened status.</returns>
    public static SparkJobStatus Compact(SparkJobStatus status) => status with
    {
        Message = Shorten(status.Message, MaxTextLength),
        Error = Shorten(status.Error, MaxTextLength),
        ErrorTrace = Shorten(status.ErrorTrace, MaxTextLength),
        LogTail = [.. status.LogTail.TakeLast(MaxLogLines).Select(l => Shorten(l, MaxLineLength)!)],
    };

    private static string Serialize(ref SparkJobStatus status)
    {
        string json = JsonSerializer.Serialize(status, SparkJson.Options);
        int textLength = MaxTextLength;
        while (json.Length > MaxJsonLength && (status.LogTail.Count > 0 || textLength > 100))
        {
            // Drop the older half of the log first (the end says why a job stopped), then shorten the texts.
            status = status.LogTail.Count > 0
                ? status with { LogTail = [.. status.LogTail.Skip((status.LogTail.Count + 1) / 2)] }
                : status with
                {
                    Message = Shorten(status.Message, textLength /= 2),
                    Error = Shorten(status.Error, textLength),
                    ErrorTrace = Shorten(status.ErrorTrace, textLength),
                };
            json = JsonSerializer.Serialize(status, SparkJson.Options);
        }

        return json;
    }

    private static string? Shorten(string? text, int length) => text is not null && text.Length > length ? text[..length] + "…" : text;
}
