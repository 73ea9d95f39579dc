using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Scheduling;

namespace Serverless.Pipelines.Tests.Scheduling;

/// <summary>A run id chosen by hand can take no id the service derives, wherever the reserved form appears in it.</summary>
public sealed class ManualRunIdsTests
{
    [Theory]
    [InlineData("nightly-fix")]
    [InlineData("fix_2024.01.31")]
    [InlineData("rerun-of-yesterday")]
    [InlineData("a")]
    public void IsValid_OrdinaryId_Accepted(string runId)
    {
        Assert.True(ManualRunIds.IsValid(runId, out var error), error);
        Assert.Equal(runId, DagRunIds.Manual(runId));
    }

    [Theory]
    // The probe's case: a scheduled run's own id with another logical date would keep the real run from computing.
    [InlineData("flights-daily__scheduled-20010110T000000Z", "__")]
    [InlineData("scheduled-20010110T000000Z", "scheduled-")]
    [InlineData("x-scheduled-20010110T000000Z", "scheduled-")]
    [InlineData("flights-daily_SCHEDULED-20010110T000000Z", "scheduled-")]
    [InlineData("flights-daily__manual-0123456789abcdef0123456789abcdef", "__")]
    [InlineData("flights-daily__backfill-20240101T000000-20240102T000000", "__")]
    [InlineData("my-run-rerun-1", "rerun")]
    [InlineData("a/b", "must match")]
    [InlineData("x..y", "must match")]
    [InlineData("-leading-dash", "must match")]
    public void IsValid_ReservedOrMalformedId_RefusedWithReason(string runId, string reason)
    {
        Assert.False(ManualRunIds.IsValid(runId, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        var thrown = Assert.Throws<ArgumentException>(() => DagRunIds.Manual(runId));
        Assert.Contains(reason, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsValid_LongestId_AcceptedOneMoreRefused()
    {
        Assert.True(ManualRunIds.IsValid(new string('a', ManualRunIds.MaxLength), out _));
        Assert.False(ManualRunIds.IsValid(new string('a', ManualRunIds.MaxLength + 1), out _));
    }

    [Fact]
    public void IsValid_EveryDerivedId_IsRefused()
    {
        // The derived forms, spelled as the scheduler, backfill, generated trigger and rerun spell them.
        var logical = new DateTimeOffset(2001, 1, 10, 0, 0, 0, TimeSpan.Zero);
        string[] derived =
        [
            "flights" + DagRunIds.DagSeparator + DagRunIds.ForLogicalDate(logical),
            DagRunIds.ForLogicalDate(logical),
            "flights" + DagRunIds.DagSeparator + DagRunIds.Manual(),
            "nightly-fix-rerun-2",
        ];

        Assert.All(derived, id => Assert.False(ManualRunIds.IsValid(id, out _), id));
    }

    [Fact]
    public void DagRunTriggeredBy_HasTheFourWaysARunStarts()
    {
        Assert.Equal(
            [DagRunTriggeredBy.Schedule, DagRunTriggeredBy.Backfill, DagRunTriggeredBy.Manual, DagRunTriggeredBy.Rerun],
            Enum.GetValues<DagRunTriggeredBy>());
    }
}
