using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Scheduling;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// The logical dates before and after a run's on the DAG's schedule, which templates read as <c>prev_ds</c> and
/// <c>next_ds</c>. As Airflow 2: a scheduled (or backfilled) run gets the schedule's previous and next points; a run
/// triggered by hand — or one whose logical date is not a schedule point, or of a DAG without a schedule — gets no
/// previous date and its own logical date as the next (Airflow's rule for externally triggered runs).
/// </summary>
internal static class ScheduleNeighbours
{
    /// <summary>Finds the neighbours of a run's logical date. A pure function of its arguments, so safe in an orchestrator.</summary>
    /// <param name="schedule">The DAG's schedule.</param>
    /// <param name="logicalDate">The run's logical date.</param>
    /// <param name="triggeredBy">How the run was started, or <see langword="null"/> when not recorded.</param>
    /// <returns>The previous and next logical dates, in the schedule's time zone.</returns>
    public static (DateTimeOffset? Previous, DateTimeOffset? Next) Of(DagSchedule schedule, DateTimeOffset logicalDate, DagRunTriggeredBy? triggeredBy)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (triggeredBy == DagRunTriggeredBy.Manual || schedule.IsManual || schedule.FirstAtOrAfter(logicalDate) != logicalDate)
        {
            return (null, logicalDate);
        }

        var zone = schedule.TimeZone;
        return (
            schedule.LatestAtOrBefore(logicalDate.AddTicks(-1)) is { } previous ? TimeZoneInfo.ConvertTime(previous, zone) : null,
            schedule.NextAfter(logicalDate) is { } next ? TimeZoneInfo.ConvertTime(next, zone) : null);
    }
}
