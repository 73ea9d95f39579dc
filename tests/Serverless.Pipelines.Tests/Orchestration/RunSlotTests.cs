using Serverless.Benchmarks.Dag;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>maxActiveRuns enforced by the runs themselves through run slots in storage, whoever started them.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunSlotTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ManualRuns_SixStartedAtOnce_NeverMoreThanMaxActiveRunsAtATime()
    {
        var dag = PipelineTestHost.Dag("""
            id: limited
            maxActiveRuns: 2
            tasks:
              - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
              - { id: b, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [a] }
            """);
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromMilliseconds(400) };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o => o.ChainFastJobs = false);

        var started = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => host.Runs.TriggerAsync("limited", new DagRunTrigger(LogicalDate: new DateTimeOffset(2024, 1, 1 + i, 0, 0, 0, TimeSpan.Zero)))));
        var runs = new List<DagRunInfo>();
        foreach (var run in started)
        {
            runs.Add(await host.WaitAsync(run.RunId, TimeSpan.FromSeconds(90)));
        }

        Assert.All(runs, r => Assert.Equal(DagRunState.Success, r.State));
        Assert.Equal(12, backend.ByKey.Count);
        Assert.InRange(backend.PeakOverlappingRuns(), 1, 2);

        // Every slot was given back.
        var slots = new Serverless.Pipelines.Slots.ConcurrencySlots(host.Account.Tables.GetTableClient(PipelineResourceNames.SlotTable));
        Assert.Empty(await slots.HoldersAsync("runs-limited"));
    }
}
