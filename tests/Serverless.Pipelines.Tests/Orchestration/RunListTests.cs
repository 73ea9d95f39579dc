using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Run and task-instance lists of real runs: the starter's row, then the run's own activity recording its end.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunListTests(AzuriteFixture azurite)
{
    private const string Yaml = """
        id: listed
        schedule: "@daily"
        startDate: 2024-01-01
        tasks:
          - { id: extract, kind: sql, sql: "SELECT '{{ ds }}' AS d", outputs: [rows] }
          - { id: load, kind: sql, dependsOn: [extract], sql: "SELECT 1", outputs: [rows] }
        """;

    [Fact]
    public async Task ListRunsAsync_ThreeFinishedRuns_NewestLogicalDateFirstInFullPagesWithTheActivitysState()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)], new FakeSparkBackend());
        var days = new[] { 3, 1, 2 };
        foreach (var day in days)
        {
            var run = await host.RunAsync("listed", new DagRunTrigger(LogicalDate: new DateTimeOffset(2024, 1, day, 0, 0, 0, TimeSpan.Zero), RunId: $"listed-day-{day}"));
            Assert.Equal(DagRunState.Success, run.State);
        }

        var first = await host.Runs.ListRunsAsync(new DagRunQuery(DagId: "listed", PageSize: 2));
        var second = await host.Runs.ListRunsAsync(new DagRunQuery(DagId: "listed", PageSize: 2, Continuation: first.Continuation));

        Assert.Equal(["listed-day-3", "listed-day-2"], first.Runs.Select(r => r.RunId));
        Assert.Equal(["listed-day-1"], second.Runs.Select(r => r.RunId));
        Assert.Null(second.Continuation);
        Assert.All(first.Runs.Concat(second.Runs), r => Assert.Equal(DagRunState.Success, r.State));
        Assert.All(first.Runs, r => Assert.Equal(DagRunTriggeredBy.Manual, r.TriggeredBy));

        // The row itself, not the list's check against the task hub: the run's manifest activity recorded the end.
        var row = await host.RunIndex.GetAsync("listed", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), "listed-day-1");
        Assert.Equal(DagRunState.Success, row!.State);
        Assert.Equal(["extract", "load"], row.Tasks!.Select(t => t.Id));
        Assert.All(row.Tasks!, t => Assert.Equal(TaskInstanceState.Success, t.State));
        Assert.NotNull(row.EndedAt);

        var instances = await host.Runs.ListTaskInstancesAsync(new Serverless.Pipelines.Runs.Index.TaskInstanceQuery("listed", "load", null, null, null, null, 10));
        Assert.Equal(["listed-day-3", "listed-day-2", "listed-day-1"], instances.Items.Select(i => i.RunId));
    }

    [Fact]
    public async Task GetRun_TheMomentItShowsSuccess_TheListFilteredBySuccessHasTheRun()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)], new FakeSparkBackend());
        var started = await host.Runs.TriggerAsync("listed", new DagRunTrigger(RunId: "listed-read-your-end"));

        // A fixed short interval, not Poll's growing one: the moment between the status turning final and the index row
        // following it is what this test looks at, and a long interval would step over it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        DagRunInfo? run;
        while ((run = await host.Runs.GetRunAsync(started.RunId))?.State is not (DagRunState.Success or DagRunState.Failed))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the run did not end in 60 s: {run?.State}");
            await Task.Delay(5);
        }

        var listed = await host.Runs.ListRunsAsync(new DagRunQuery(DagId: "listed", State: DagRunState.Success));
        var row = await host.RunIndex.GetAsync("listed", run.LogicalDate!.Value, started.RunId);

        Assert.Equal(DagRunState.Success, run.State);
        Assert.Contains(started.RunId, listed.Runs.Select(r => r.RunId));
        Assert.Equal(DagRunState.Success, row!.State);
    }

    [Fact]
    public async Task ListedAsSuccess_TheMomentTheIndexSaysSo_GetRunShowsSuccessToo()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)], new FakeSparkBackend());
        var started = await host.Runs.TriggerAsync("listed", new DagRunTrigger(RunId: "listed-index-first"));
        var logicalDate = (await host.Runs.GetRunAsync(started.RunId))!.LogicalDate!.Value;

        // The other direction of the test above: the index row is written by an activity, and the status that follows
        // it by the orchestrator's next step. Polled at a fixed short interval so as not to step over that moment.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await host.RunIndex.GetAsync("listed", logicalDate, started.RunId))?.State is not (DagRunState.Success or DagRunState.Failed))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the run's index row did not end in 60 s");
            await Task.Delay(5);
        }

        var shown = await host.Runs.GetRunAsync(started.RunId);
        var ended = await host.WaitAsync(started.RunId);

        Assert.Equal(DagRunState.Success, shown!.State);
        Assert.NotNull(shown.EndedAt);
        Assert.Equal(ended.EndedAt, shown.EndedAt);
    }

    [Fact]
    public async Task ListRunsAsync_FilteredByFailed_FindsARunTerminatedWhileItsRowSaidRunning()
    {
        // A job that outlives the test: the run is running when it is terminated, and a hard terminate runs no
        // orchestrator code, so only the list's own check can make its row say failed.
        var backend = new Serverless.Benchmarks.Dag.DelayedSparkBackend { Delay = TimeSpan.FromMinutes(5) };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)], backend, o => o.ChainFastJobs = false);
        var started = await host.Runs.TriggerAsync("listed", new DagRunTrigger(RunId: "listed-terminated"));
        await Poll.UntilAsync(() => Task.FromResult(!backend.ByKey.IsEmpty), TimeSpan.FromSeconds(60), "the first job's submit");
        await host.Client.TerminateInstanceAsync(started.RunId);
        await host.Client.WaitForInstanceCompletionAsync(started.RunId);
        var before = await host.RunIndex.GetAsync("listed", (await host.Runs.GetRunAsync(started.RunId))!.LogicalDate!.Value, started.RunId);

        var failed = await host.Runs.ListRunsAsync(new DagRunQuery(DagId: "listed", State: DagRunState.Failed));
        var running = await host.Runs.ListRunsAsync(new DagRunQuery(DagId: "listed", State: DagRunState.Running));

        Assert.NotEqual(DagRunState.Failed, before!.State);
        Assert.Equal([started.RunId], failed.Runs.Select(r => r.RunId));
        Assert.DoesNotContain(started.RunId, running.Runs.Select(r => r.RunId));
    }
}
