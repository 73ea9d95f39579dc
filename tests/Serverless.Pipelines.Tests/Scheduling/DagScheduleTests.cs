using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Scheduling;

namespace Serverless.Pipelines.Tests.Scheduling;

public sealed class DagScheduleTests
{
    private static readonly DateTimeOffset Jan1 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DagSchedule Schedule(string? expression, bool catchup = false, DateTimeOffset? start = null, DateTimeOffset? end = null, string zone = "UTC") =>
        DagSchedule.For(new DagDefinition { Id = "s", Schedule = expression, Catchup = catchup, StartDate = start, EndDate = end, TimeZone = zone });

    [Theory]
    [InlineData("@hourly", "2024-01-01T01:00:00+00:00")]
    [InlineData("@daily", "2024-01-02T00:00:00+00:00")]
    [InlineData("@weekly", "2024-01-07T00:00:00+00:00")]
    [InlineData("@monthly", "2024-02-01T00:00:00+00:00")]
    [InlineData("@yearly", "2025-01-01T00:00:00+00:00")]
    [InlineData("30 6 * * 1-5", "2024-01-01T06:30:00+00:00")]
    [InlineData("15 0 0 * * *", "2024-01-01T00:00:15+00:00")]
    public void NextAfter_PresetsAndCron_NextPointStrictlyAfter(string expression, string expected)
    {
        // 2024-01-01 is a Monday.
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Schedule(expression).NextAfter(Jan1));
    }

    [Theory]
    [InlineData("0 25 * * *")]
    [InlineData("* * *")]
    [InlineData("@fortnightly")]
    [InlineData("@once")]
    public void IsValidExpression_Invalid_ReturnsError(string expression)
    {
        Assert.False(DagSchedule.IsValidExpression(expression, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void DataIntervalOf_Daily_IsLogicalDateToNextDay()
    {
        var interval = Schedule("@daily").DataIntervalOf(Jan1);

        Assert.Equal(new DataInterval(Jan1, Jan1.AddDays(1)), interval);
    }

    [Fact]
    public void DataIntervalOf_TimeZone_CarriesZoneOffsetAcrossDst()
    {
        // Amsterdam switches to summer time on 2024-03-31 at 02:00: that day has 23 hours.
        var schedule = Schedule("@daily", zone: "Europe/Amsterdam");
        var logical = new DateTimeOffset(2024, 3, 31, 0, 0, 0, TimeSpan.FromHours(1));

        var interval = schedule.DataIntervalOf(logical);

        Assert.Equal(new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.FromHours(2)), interval.End);
        Assert.Equal(TimeSpan.FromHours(23), interval.End - interval.Start);
    }

    [Fact]
    public void SchedulePoints_JanuaryDaily_Returns31PointsClampedToStartDate()
    {
        var schedule = Schedule("@daily", start: Jan1.AddDays(10));

        var points = schedule.SchedulePoints(Jan1, Jan1.AddDays(30));

        Assert.Equal(21, points.Count);
        Assert.Equal(Jan1.AddDays(10), points[0]);
        Assert.Equal(Jan1.AddDays(30), points[^1]);
    }

    [Fact]
    public void SchedulePoints_Manual_Empty()
    {
        Assert.Empty(Schedule(null).SchedulePoints(Jan1, Jan1.AddDays(3)));
        Assert.True(Schedule("none").IsManual);
    }

    [Fact]
    public void DueLogicalDates_CatchupAfterThreeDays_ReturnsEveryMissedInterval()
    {
        var schedule = Schedule("@daily", catchup: true, start: Jan1);
        var now = Jan1.AddDays(3).AddHours(5);

        // Intervals [Jan1, Jan2), [Jan2, Jan3), [Jan3, Jan4) have ended; [Jan4, Jan5) has not.
        Assert.Equal([Jan1, Jan1.AddDays(1), Jan1.AddDays(2)], schedule.DueLogicalDates(null, now));
        Assert.Equal([Jan1.AddDays(2)], schedule.DueLogicalDates(Jan1.AddDays(1), now));
        Assert.Empty(schedule.DueLogicalDates(Jan1.AddDays(2), now));
    }

    [Fact]
    public void DueLogicalDates_NoCatchup_ReturnsOnlyLatest()
    {
        var schedule = Schedule("@daily", catchup: false, start: Jan1);

        Assert.Equal([Jan1.AddDays(2)], schedule.DueLogicalDates(null, Jan1.AddDays(3).AddHours(5)));
        Assert.Empty(schedule.DueLogicalDates(Jan1.AddDays(2), Jan1.AddDays(3).AddHours(5)));
    }

    [Fact]
    public void DueLogicalDates_BeforeFirstIntervalEnds_ReturnsNothing()
    {
        var schedule = Schedule("@daily", catchup: true, start: Jan1);

        Assert.Empty(schedule.DueLogicalDates(null, Jan1.AddHours(23)));
    }

    [Fact]
    public void DueLogicalDates_PastEndDate_StopsAtEndDate()
    {
        var schedule = Schedule("@daily", catchup: true, start: Jan1, end: Jan1.AddDays(1));

        Assert.Equal([Jan1, Jan1.AddDays(1)], schedule.DueLogicalDates(null, Jan1.AddDays(30)));
    }

    [Fact]
    public void ManualDataInterval_Hourly_IsLatestCompleteHour()
    {
        var interval = Schedule("@hourly").ManualDataInterval(Jan1.AddHours(5).AddMinutes(20));

        Assert.Equal(new DataInterval(Jan1.AddHours(4), Jan1.AddHours(5)), interval);
    }

    [Fact]
    public void ForLogicalDate_AnyOffset_IsUtcAndRoundTrips()
    {
        var logical = new DateTimeOffset(2024, 1, 1, 1, 0, 0, TimeSpan.FromHours(1));

        var runId = DagRunIds.ForLogicalDate(logical);

        Assert.Equal("scheduled-20240101T000000Z", runId);
        Assert.True(DagRunIds.TryParseLogicalDate(runId, out var parsed));
        Assert.Equal(logical, parsed);
        Assert.True(DagRunIds.IsValid(runId, out _));
    }

    [Theory]
    [InlineData("my-run.1", true)]
    [InlineData("a/b", false)]
    [InlineData("a#b", false)]
    [InlineData("a?b", false)]
    [InlineData("a\\b", false)]
    [InlineData("x..y", false)]
    [InlineData("", false)]
    public void IsValid_RunIds_RejectsUnsafeCharacters(string runId, bool valid)
    {
        Assert.Equal(valid, DagRunIds.IsValid(runId, out _));
    }

    [Fact]
    public void Manual_NoId_IsUniqueAndValid_GivenScheduledPrefix_Throws()
    {
        var a = DagRunIds.Manual();
        var b = DagRunIds.Manual();

        Assert.NotEqual(a, b);
        Assert.StartsWith("manual-", a, StringComparison.Ordinal);
        Assert.True(DagRunIds.IsValid(a, out _));
        Assert.Equal("nightly-fix", DagRunIds.Manual("nightly-fix"));
        Assert.Throws<ArgumentException>(() => DagRunIds.Manual("scheduled-20240101T000000Z"));
        Assert.Throws<ArgumentException>(() => DagRunIds.Manual("a/b"));
    }
}
