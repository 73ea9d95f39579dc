using System.Globalization;
using System.Text;

namespace Serverless.Pipelines.Runs.Index;

/// <summary>
/// The keys of the runs index, in one place: partition <see cref="AllPartition"/> holds every run and
/// <c>dag-{dagId}</c> one DAG's runs; a row key is the inverted ticks of the logical date (19 digits) then the run id,
/// so an ascending table scan is newest logical date first, ties by run id. Row keys never change, so a cursor (the
/// last row key seen) survives inserts: a run inserted above it is not returned, one below it is returned once.
/// Partitions <c>run-{runId}</c> and <c>dagaudit-{dagId}</c> hold a run's marks and audit trail and a DAG's audit trail.
/// </summary>
public static class RunIndexKeys
{
    /// <summary>The partition that holds every run.</summary>
    public const string AllPartition = "all";

    /// <summary>The partition of the index's own bookkeeping (the backfill's cursor).</summary>
    public const string MetaPartition = "meta";

    private const int TickDigits = 19;

    /// <summary>Gets the partition of one DAG's runs.</summary>
    /// <param name="dagId">The DAG id (validated by the caller; DAG ids hold no characters table keys refuse).</param>
    /// <returns>The partition key.</returns>
    public static string DagPartition(string dagId) => "dag-" + dagId;

    /// <summary>Gets the partition of a run's marks and audit trail.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The partition key.</returns>
    public static string RunPartition(string runId) => "run-" + runId;

    /// <summary>Gets the partition of a run's task records while it runs (one row per task instance).</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The partition key.</returns>
    public static string TaskPartition(string runId) => "tasks-" + runId;

    /// <summary>Gets the partition of a DAG's audit trail (pause, unpause, trigger, backfill), newest first.</summary>
    /// <param name="dagId">The DAG id (validated by the caller).</param>
    /// <returns>The partition key.</returns>
    public static string DagAuditPartition(string dagId) => "dagaudit-" + dagId;

    /// <summary>Gets a run's row key.</summary>
    /// <param name="logicalDate">The logical date.</param>
    /// <param name="runId">The run id.</param>
    /// <returns>The row key.</returns>
    public static string RowKey(DateTimeOffset logicalDate, string runId) => Inverted(logicalDate) + "_" + runId;

    /// <summary>Gets the smallest row key of runs whose logical date is before <paramref name="to"/> (exclusive bound).</summary>
    /// <param name="to">The bound.</param>
    /// <returns>Row keys at or above it have logical dates before <paramref name="to"/>.</returns>
    public static string FirstBefore(DateTimeOffset to) => Pad(Ticks(to) + 1);

    /// <summary>Gets the row key above every run whose logical date is at or after <paramref name="from"/>.</summary>
    /// <param name="from">The bound.</param>
    /// <returns>Row keys below it have logical dates at or after <paramref name="from"/>.</returns>
    public static string AfterLast(DateTimeOffset from) => Pad(Ticks(from) + 1);

    /// <summary>Encodes a cursor (a row key and a position inside it) as an opaque continuation token.</summary>
    /// <param name="rowKey">The last row key returned.</param>
    /// <param name="position">The position inside the row (task-instance lists), or -1.</param>
    /// <returns>The token.</returns>
    public static string EncodeContinuation(string rowKey, int position = -1) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{position}|{rowKey}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes a continuation token; false when it was not made by <see cref="EncodeContinuation"/>.</summary>
    /// <param name="token">The token.</param>
    /// <param name="rowKey">The row key.</param>
    /// <param name="position">The position inside the row.</param>
    /// <returns>True when valid.</returns>
    public static bool TryDecodeContinuation(string token, out string rowKey, out int position)
    {
        ArgumentNullException.ThrowIfNull(token);
        rowKey = string.Empty;
        position = -1;
        if (token.Length is 0 or > 400)
        {
            return false;
        }

        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var length))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, length);
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        if (bar < 1 || !int.TryParse(text.AsSpan(0, bar), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out position) || position < -1)
        {
            return false;
        }

        rowKey = text[(bar + 1)..];
        var underscore = rowKey.IndexOf('_', StringComparison.Ordinal);
        return underscore == TickDigits
            && rowKey.AsSpan(0, TickDigits).IndexOfAnyExceptInRange('0', '9') < 0
            && Scheduling.DagRunIds.IsValid(rowKey[(TickDigits + 1)..], out _);
    }

    private static long Ticks(DateTimeOffset date) => DateTimeOffset.MaxValue.UtcTicks - date.UtcTicks;

    private static string Inverted(DateTimeOffset date) => Pad(Ticks(date));

    private static string Pad(long value) => value.ToString("D19", CultureInfo.InvariantCulture);
}
