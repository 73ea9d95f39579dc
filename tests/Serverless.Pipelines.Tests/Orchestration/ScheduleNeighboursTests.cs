using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Scheduling;
using Serverless.Pipelines.Templating;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>
/// prev_ds / next_ds as Airflow 2's templates reference documents them ("if ds is 2018-01-08 and schedule_interval is
/// @weekly, prev_ds will be 2018-01-01", next_ds likewise 2018-01-15) and as its task context gives them for
/// externally triggered runs (no previous date, the run's own date as the next).
/// </summary>
public sealed class ScheduleNeighboursTests
{
    private static DagSchedule Schedule(string? expression, string zone = "UTC") => DagSchedule.For(new DagDefinition { Id = "s", Schedule = expression, TimeZone = zone });

    [Theory]
    [InlineData("@weekly", "2018-01-07T00:00:00+00:00", "2017-12-31", "2018-01-14")] // @weekly runs on Sundays: 2018-01-07 is one
    [InlineData("@daily", "2024-03-01T00:00:00+00:00", "2024-02-29", "2024-03-02")] // leap day
    [InlineData("@monthly", "2024-01-01T00:00:00+00:00", "2023-12-01", "2024-02-01")]
    [InlineData("0 6 * * 1-5", "2024-01-08T06:00:00+00:00", "2024-01-05", "2024-01-09")] // Monday: the previous weekday is Friday
    public void Of_ScheduledRun_GivesTheScheduleNeighbours(string expression, string logical, string prevDs, string nextDs)
    {
        var (previous, next) = ScheduleNeighbours.Of(Schedule(expression), DateTimeOffset.Parse(logical, System.Globalization.CultureInfo.InvariantCulture), DagRunTriggeredBy.Schedule);

        Assert.Equal(prevDs, Render("{{ prev_ds }}", previous, next));
        Assert.Equal(nextDs, Render("{{ next_ds }}", previous, next));
        Assert.Equal(prevDs.Replace("-", string.Empty, StringComparison.Ordinal), Render("{{ prev_ds_nodash }}", previous, next));
    }

    [Theory]
    [InlineData("@daily", DagRunTriggeredBy.Manual)]
    [InlineData(null, DagRunTriggeredBy.Manual)]
    [InlineData(null, DagRunTriggeredBy.Schedule)]
    [InlineData("@daily", DagRunTriggeredBy.Rerun)] // not a schedule point: 10:30 on a @daily DAG
    public void Of_ManualOrOffScheduleRun_NoPreviousAndNextIsItsOwnDate(string? expression, DagRunTriggeredBy triggeredBy)
    {
        var logical = new DateTimeOffset(2024, 5, 6, 10, 30, 0, TimeSpan.Zero);

        var (previous, next) = ScheduleNeighbours.Of(Schedule(expression), logical, triggeredBy);

        Assert.Null(previous);
        Assert.Equal(logical, next);
        Assert.Equal("none", Render("{{ prev_ds | default('none', true) }}", previous, next));
        Assert.Equal("2024-05-06", Render("{{ next_ds }}", previous, next));
    }

    [Fact]
    public void Of_ScheduleInATimeZone_GivesDatesInThatZone()
    {
        // 00:00 in Amsterdam on 2024-03-31 is 2024-03-30T23:00Z; the previous day's midnight is 2024-03-29T23:00Z.
        var logical = new DateTimeOffset(2024, 3, 31, 0, 0, 0, TimeSpan.FromHours(1));

        var (previous, next) = ScheduleNeighbours.Of(Schedule("@daily", "Europe/Amsterdam"), logical, DagRunTriggeredBy.Backfill);

        Assert.Equal(new DateTimeOffset(2024, 3, 30, 0, 0, 0, TimeSpan.FromHours(1)), previous);
        Assert.Equal(new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.FromHours(2)), next); // summer time began on 2024-03-31
        Assert.Equal(TimeSpan.FromHours(2), next!.Value.Offset);
    }

    private static string Render(string template, DateTimeOffset? previous, DateTimeOffset? next) => TemplateRenderer.Render(template, new TemplateContext
    {
        DagId = "s",
        RunId = "r",
        LogicalDate = DateTimeOffset.UnixEpoch,
        DataIntervalStart = DateTimeOffset.UnixEpoch,
        DataIntervalEnd = DateTimeOffset.UnixEpoch,
        PreviousLogicalDate = previous,
        NextLogicalDate = next,
    });
}
