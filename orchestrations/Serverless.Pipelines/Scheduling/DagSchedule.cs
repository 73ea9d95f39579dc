using Cronos;
using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Scheduling;

/// <summary>
/// A DAG's schedule evaluated in its time zone, with Airflow's data-interval semantics: the run for schedule point
/// <c>t</c> has logical date <c>t</c>, processes <c>[t, next(t))</c> and becomes due when <c>next(t)</c> has passed.
/// All times returned carry the offset of the DAG's time zone.
/// </summary>
public sealed class DagSchedule
{
    /// <summary>The presets and the cron expressions they stand for.</summary>
    public static readonly IReadOnlyDictionary<string, string> Presets = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["@hourly"] = "0 * * * *",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@weekly"] = "0 0 * * 0",
        ["@monthly"] = "0 0 1 * *",
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
    };

    // Windows looked back through when searching the latest point at or before a time, widest last; Cronos only
    // enumerates forwards.
    private static readonly TimeSpan[] LookBack =
    [
        TimeSpan.FromHours(2), TimeSpan.FromDays(2), TimeSpan.FromDays(40), TimeSpan.FromDays(800), TimeSpan.FromDays(366 * 30),
    ];

    private readonly CronExpression? cron;

    private DagSchedule(string? expression, CronExpression? cron, TimeZoneInfo timeZone, DateTimeOffset? startDate, DateTimeOffset? endDate, bool catchup)
    {
        Expression = expression;
        this.cron = cron;
        TimeZone = timeZone;
        StartDate = startDate;
        EndDate = endDate;
        Catchup = catchup;
    }

    /// <summary>Gets the schedule as written, or <see langword="null"/> for manual runs only.</summary>
    public string? Expression { get; }

    /// <summary>Gets the time zone.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Gets the DAG's start date.</summary>
    public DateTimeOffset? StartDate { get; }

    /// <summary>Gets the DAG's end date.</summary>
    public DateTimeOffset? EndDate { get; }

    /// <summary>Gets a value indicating whether missed intervals are run.</summary>
    public bool Catchup { get; }

    /// <summary>Gets a value indicating whether the DAG runs only when triggered.</summary>
    public bool IsManual => cron is null;

    /// <summary>Creates the schedule of a DAG.</summary>
    /// <param name="dag">The DAG.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="FormatException">The schedule or time zone is invalid.</exception>
    public static DagSchedule For(DagDefinition dag)
    {
        ArgumentNullException.ThrowIfNull(dag);
        if (!TryParseExpression(dag.Schedule, out var cron, out var error) || !TryFindTimeZone(dag.TimeZone, out var zone, out error))
        {
            throw new FormatException(error);
        }

        return new DagSchedule(dag.Schedule, cron, zone!, dag.StartDate, dag.EndDate, dag.Catchup);
    }

    /// <summary>Gets whether a schedule expression is valid: <see langword="null"/>, empty or <c>none</c>, a preset, or a 5- or 6-field (seconds first) cron expression.</summary>
    /// <param name="expression">The expression.</param>
    /// <param name="error">Why it is invalid, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidExpression(string? expression, out string? error) => TryParseExpression(expression, out _, out error);

    /// <summary>Finds a time zone by IANA (or Windows) id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="zone">The zone.</param>
    /// <param name="error">Why it was not found, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public static bool TryFindTimeZone(string? id, out TimeZoneInfo? zone, out string? error)
    {
        zone = null;
        error = null;
        if (string.IsNullOrWhiteSpace(id) || string.Equals(id, "UTC", StringComparison.OrdinalIgnoreCase))
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = $"unknown time zone '{id}' (use an IANA id such as 'UTC' or 'Europe/Amsterdam')";
            return false;
        }
    }

    /// <summary>Gets the first schedule point strictly after a time.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The point, or <see langword="null"/> for a manual schedule.</returns>
    public DateTimeOffset? NextAfter(DateTimeOffset time) => cron?.GetNextOccurrence(time, TimeZone, inclusive: false);

    /// <summary>Gets the first schedule point at or after a time.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The point, or <see langword="null"/> for a manual schedule.</returns>
    public DateTimeOffset? FirstAtOrAfter(DateTimeOffset time) => cron?.GetNextOccurrence(time, TimeZone, inclusive: true);

    /// <summary>Gets the latest schedule point at or before a time.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The point, or <see langword="null"/> for a manual schedule or when there is none in 30 years.</returns>
    public DateTimeOffset? LatestAtOrBefore(DateTimeOffset time)
    {
        if (cron is null)
        {
            return null;
        }

        foreach (var window in LookBack)
        {
            DateTimeOffset? latest = null;
            foreach (var point in cron.GetOccurrences(time - window, time, TimeZone, fromInclusive: true, toInclusive: true))
            {
                latest = point;
            }

            if (latest is not null)
            {
                return latest;
            }
        }

        return null;
    }

    /// <summary>
    /// Gets the data interval of a scheduled run: <c>[logicalDate, next point)</c>. For a manual schedule the interval
    /// is empty, <c>[logicalDate, logicalDate]</c>, as in Airflow.
    /// </summary>
    /// <param name="logicalDate">The logical date (a schedule point).</param>
    /// <returns>The interval.</returns>
    public DataInterval DataIntervalOf(DateTimeOffset logicalDate)
    {
        var start = TimeZoneInfo.ConvertTime(logicalDate, TimeZone);
        return new DataInterval(start, NextAfter(start) ?? start);
    }

    /// <summary>
    /// Gets the data interval of a run triggered by hand at a time: the latest complete interval before it (Airflow's
    /// inference), or <c>[time, time]</c> for a manual schedule. The run's logical date stays the trigger time.
    /// </summary>
    /// <param name="triggeredAt">When the run was triggered.</param>
    /// <returns>The interval.</returns>
    public DataInterval ManualDataInterval(DateTimeOffset triggeredAt)
    {
        var at = TimeZoneInfo.ConvertTime(triggeredAt, TimeZone);
        if (LatestAtOrBefore(at) is not { } end || LatestAtOrBefore(end.AddTicks(-1)) is not { } start)
        {
            return new DataInterval(at, at);
        }

        return new DataInterval(start, end);
    }

    /// <summary>
    /// Gets every schedule point in <c>[from, to]</c> that lies within the DAG's start and end dates: the logical
    /// dates of a backfill.
    /// </summary>
    /// <param name="from">The first logical date considered (inclusive).</param>
    /// <param name="to">The last logical date considered (inclusive).</param>
    /// <returns>The points in order; empty for a manual schedule.</returns>
    public IReadOnlyList<DateTimeOffset> SchedulePoints(DateTimeOffset from, DateTimeOffset to)
    {
        if (cron is null)
        {
            return [];
        }

        if (StartDate is { } start && start > from)
        {
            from = start;
        }

        if (EndDate is { } end && end < to)
        {
            to = end;
        }

        return from > to ? [] : cron.GetOccurrences(from, to, TimeZone, fromInclusive: true, toInclusive: true).ToList();
    }

    /// <summary>
    /// Gets the logical dates the scheduler should start runs for now. A point <c>t</c> is due when its interval has
    /// ended (<c>next(t) ≤ now</c>), <c>t</c> is within the start and end dates, and <c>t</c> is after the last
    /// scheduled logical date. With catchup every due point is returned (oldest first, at most <paramref name="limit"/>);
    /// without it only the latest due point, so a DAG that was paused for a week runs once, not seven times.
    /// </summary>
    /// <param name="lastLogicalDate">The logical date of the latest run the scheduler started, or <see langword="null"/>.</param>
    /// <param name="now">The current time.</param>
    /// <param name="limit">The most points returned with catchup.</param>
    /// <returns>The due logical dates.</returns>
    public IReadOnlyList<DateTimeOffset> DueLogicalDates(DateTimeOffset? lastLogicalDate, DateTimeOffset now, int limit = 1000)
    {
        if (cron is null)
        {
            return [];
        }

        // The latest point whose interval has ended is the point before the latest point at or before now.
        var latestEnd = LatestAtOrBefore(now);
        var latest = latestEnd is { } endPoint ? LatestAtOrBefore(endPoint.AddTicks(-1)) : null;
        if (latest is { } l && EndDate is { } end && l > end)
        {
            latest = LatestAtOrBefore(end);
        }

        if (latest is null || (StartDate is { } start && latest < start) || (lastLogicalDate is { } last && latest <= last))
        {
            return [];
        }

        if (!Catchup)
        {
            return [latest.Value];
        }

        var from = lastLogicalDate is { } previous ? NextAfter(previous) : (StartDate is { } s ? FirstAtOrAfter(s) : latest);
        var due = new List<DateTimeOffset>();
        for (var point = from; point is { } p && p <= latest && due.Count < limit; point = NextAfter(p))
        {
            due.Add(p);
        }

        return due;
    }

    private static bool TryParseExpression(string? expression, out CronExpression? cron, out string? error)
    {
        cron = null;
        error = null;
        var text = expression?.Trim();
        if (string.IsNullOrEmpty(text) || string.Equals(text, "none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (text.StartsWith('@'))
        {
            if (!Presets.TryGetValue(text, out var preset))
            {
                error = $"unknown schedule preset '{text}' (use {string.Join(", ", Presets.Keys)}, a cron expression, or none)";
                return false;
            }

            text = preset;
        }

        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            error = $"cron expression '{text}' has {fields} fields; expected 5 (minute hour day month weekday) or 6 (with seconds first)";
            return false;
        }

        try
        {
            cron = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return true;
        }
        catch (CronFormatException ex)
        {
            error = $"invalid cron expression '{text}': {ex.Message}";
            return false;
        }
    }
}
