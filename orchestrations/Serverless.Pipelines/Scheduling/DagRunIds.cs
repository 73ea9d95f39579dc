using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.Pipelines.Scheduling;

/// <summary>
/// Run ids. They are table keys and blob path segments, so they hold only ASCII letters, digits, '-', '_' and '.'.
/// A scheduled run's id is derived from its logical date alone (<c>scheduled-20240101T000000Z</c>), whether the
/// scheduler or a backfill starts it: starting the same schedule point twice finds the existing run. A run id chosen
/// by hand follows <see cref="ManualRunIds"/>, which keeps it from taking any derived id.
/// </summary>
public static partial class DagRunIds
{
    /// <summary>The pattern every run id matches.</summary>
    /// <remarks>Keep the repeat count in step with <see cref="ManualRunIds.MaxLength"/> (one less: the first character is outside it).</remarks>
    public const string RunIdPattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$";

    /// <summary>
    /// The start of a scheduled run's id after the DAG id (<c>{dagId}__scheduled-{yyyyMMddTHHmmssZ}</c>): the form
    /// scheduler and backfill share, reserved by <see cref="ManualRunIds"/>.
    /// </summary>
    public const string ScheduledPrefix = "scheduled-";

    /// <summary>The separator between the DAG id and the rest of every id the service derives: <c>__</c>.</summary>
    public const string DagSeparator = "__";

    private const string ManualPrefix = "manual-";
    private const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Gets the run id of a schedule point.</summary>
    /// <param name="logicalDate">The logical date.</param>
    /// <returns><c>scheduled-yyyyMMddTHHmmssZ</c>, in UTC.</returns>
    public static string ForLogicalDate(DateTimeOffset logicalDate) =>
        ScheduledPrefix + logicalDate.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>Gets a run id for a run triggered by hand.</summary>
    /// <param name="userGivenId">An id the caller chose (validated against <see cref="ManualRunIds"/>, used as is), or <see langword="null"/> for <c>manual-{guid}</c>.</param>
    /// <returns>The run id.</returns>
    /// <exception cref="ArgumentException">The given id is not in the <see cref="ManualRunIds"/> grammar: not a valid run id, or it takes a reserved form such as <c>{dagId}__scheduled-{timestamp}</c>.</exception>
    public static string Manual(string? userGivenId = null)
    {
        if (userGivenId is null)
        {
            return ManualPrefix + Guid.NewGuid().ToString("N");
        }

        return ManualRunIds.IsValid(userGivenId, out var error)
            ? userGivenId
            : throw new ArgumentException(error, nameof(userGivenId));
    }

    /// <summary>Gets whether a run id is valid.</summary>
    /// <param name="runId">The candidate.</param>
    /// <param name="error">Why it is not, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValid(string? runId, out string? error)
    {
        error = runId is not null && RunIdRegex().IsMatch(runId) && !runId.Contains("..", StringComparison.Ordinal)
            ? null
            : $"run id '{runId}' must match {RunIdPattern} (letters, digits, '-', '_', '.'; at most 100 characters; no '..')";
        return error is null;
    }

    /// <summary>Reads the logical date back from a scheduled run id.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="logicalDate">The logical date, in UTC.</param>
    /// <returns><see langword="true"/> for a scheduled run id.</returns>
    public static bool TryParseLogicalDate(string runId, out DateTimeOffset logicalDate)
    {
        ArgumentNullException.ThrowIfNull(runId);
        logicalDate = default;
        return runId.StartsWith(ScheduledPrefix, StringComparison.Ordinal)
            && DateTimeOffset.TryParseExact(runId[ScheduledPrefix.Length..], DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out logicalDate);
    }

    [GeneratedRegex(RunIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex RunIdRegex();
}
