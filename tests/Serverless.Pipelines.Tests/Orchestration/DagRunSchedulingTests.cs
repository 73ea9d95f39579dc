using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Orchestration;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Backfills and the scheduler tick: run ids derived from dag id and logical date, so repeats and races create each run once.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DagRunSchedulingTests(AzuriteFixture azurite)
{
    private static readonly string Yaml = """
        id: daily
        schedule: "@daily"
        startDate: 2024-01-01
        catchup: true
        isPausedUponCreation: false
        maxActiveRuns: 2
        tasks:
          - { id: work, kind: sql, sql: "SELECT '{{ ds }}'", outputs: [rows] }
        """;

    [Fact]
    public async Task BackfillAsync_Repeated_CreatesEachRunOnce()
    {
        var backend = new FakeSparkBackend();
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)], backend);
        var from = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2024, 1, 5, 0, 0, 0, TimeSpan.Zero);

        var first = await host.Runs.BackfillAsync("daily", from, to, 2);
        var expectedIds = Enumerable.Range(1, 5).Select(d => $"daily__scheduled-202401{d:D2}T000000Z").ToList();
        Assert.Equal(expectedIds, first.Select(r => r.RunId));
        Assert.All(first, r => Assert.True(r.Created));
        await Poll.UntilAsync(async () => (await CompletedRunsAsync(host)).Count == 5, TimeSpan.FromSeconds(60), "five backfill runs to finish");
        Assert.Equal(Serverless.Pipelines.Runs.DagRunTriggeredBy.Backfill, (await host.Runs.GetRunAsync(first[0].RunId))!.TriggeredBy);

        var again = await host.Runs.BackfillAsync("daily", from, to, 2);

        Assert.All(again, r => Assert.False(r.Created));
        Assert.Equal(5, (await AllRunsAsync(host)).Count);
        Assert.Equal(5, backend.Submitted.Count);
        Assert.Equal(
            ["SELECT '2024-01-01'", "SELECT '2024-01-02'", "SELECT '2024-01-03'", "SELECT '2024-01-04'", "SELECT '2024-01-05'"],
            backend.Submitted.Select(s => s.Spec.Sql!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StartDueRunsAsync_TwoTicksAtOnce_StartEachDueRunExactlyOnce()
    {
        var backend = new FakeSparkBackend();
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml.Replace("maxActiveRuns: 2", "maxActiveRuns: 16", StringComparison.Ordinal))], backend);
        var now = new DateTimeOffset(2024, 1, 4, 0, 0, 1, TimeSpan.Zero);

        var ticks = await Task.WhenAll(host.Runs.StartDueRunsAsync(now), host.Runs.StartDueRunsAsync(now));

        // Intervals [1st,2nd), [2nd,3rd), [3rd,4th) have ended at 4 Jan 00:00:01: three runs, whichever tick started them.
        var started = ticks.SelectMany(t => t).ToList();
        Assert.Equal(["daily__scheduled-20240101T000000Z", "daily__scheduled-20240102T000000Z", "daily__scheduled-20240103T000000Z"], started.Order(StringComparer.Ordinal));
        Assert.Equal(3, (await AllRunsAsync(host)).Count);
        Assert.Empty(await host.Runs.StartDueRunsAsync(now));
        await Poll.UntilAsync(async () => (await CompletedRunsAsync(host)).Count == 3, TimeSpan.FromSeconds(60), "three runs to finish");
        Assert.Empty(await host.Runs.StartDueRunsAsync(now.AddHours(1)));
        Assert.Equal(["daily__scheduled-20240104T000000Z"], await host.Runs.StartDueRunsAsync(now.AddDays(1)));
    }

    [Fact]
    public async Task StartDueRunsAsync_PausedUponCreation_NoRunsAcrossThreeTicksThenOnlyTheLatestAfterUnpause()
    {
        // No isPausedUponCreation: the host default (paused) applies.
        var dagId = AzuriteFixture.UniqueName("paused");
        var yaml = $"id: {dagId}\nschedule: \"@daily\"\nstartDate: 2024-01-01\ncatchup: false\ntasks:\n  - {{ id: work, kind: sql, sql: \"SELECT 1\", outputs: [rows] }}\n";
        var backend = new FakeSparkBackend();
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(yaml)], backend);
        var tick = new DateTimeOffset(2024, 1, 4, 0, 0, 1, TimeSpan.Zero);

        for (var day = 0; day < 3; day++)
        {
            Assert.Empty(await host.Runs.StartDueRunsAsync(tick.AddDays(day)));
        }

        Assert.True(await host.Runs.IsPausedAsync(dagId));
        Assert.Empty(await AllRunsAsync(host));
        await host.Runs.SetPausedAsync(dagId, paused: false, "test");
        var started = await host.Runs.StartDueRunsAsync(tick.AddDays(2));

        // At 6 Jan 00:00:01 the latest ended interval is [5 Jan, 6 Jan): without catchup only its run starts.
        Assert.Equal([$"{dagId}__scheduled-20240105T000000Z"], started);
        Assert.Single(await AllRunsAsync(host));
        Assert.False(await host.Runs.IsPausedAsync(dagId));
    }

    private static async Task<List<OrchestrationMetadata>> AllRunsAsync(PipelineTestHost host)
    {
        var runs = new List<OrchestrationMetadata>();
        await foreach (var instance in host.Client.GetAllInstancesAsync(new OrchestrationQuery { PageSize = 1000 }))
        {
            if (instance.Name == nameof(DagRunOrchestrator))
            {
                runs.Add(instance);
            }
        }

        return runs;
    }

    private static async Task<List<OrchestrationMetadata>> CompletedRunsAsync(PipelineTestHost host) =>
        (await AllRunsAsync(host)).Where(i => i.RuntimeStatus == OrchestrationRuntimeStatus.Completed).ToList();
}
