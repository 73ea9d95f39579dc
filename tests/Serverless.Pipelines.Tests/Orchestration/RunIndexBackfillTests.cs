using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Spark.Jobs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>The one-time runs-index backfill lists runs that have no index row (started before the index existed).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunIndexBackfillTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task BackfillRunIndex_RunsWithoutRows_AddedOnceThenDoneForGood()
    {
        var backend = new FakeSparkBackend { Outcome = (_, key) => key.StartsWith("lost-2:", StringComparison.Ordinal) ? SparkJobState.Failed : SparkJobState.Succeeded };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag("""
            id: old
            tasks:
              - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
            """)], backend);
        var lost1 = await host.RunAsync("old", new DagRunTrigger(RunId: "lost-1"));
        var lost2 = await host.RunAsync("old", new DagRunTrigger(RunId: "lost-2"));
        var kept = await host.RunAsync("old", new DagRunTrigger(RunId: "kept"));

        // As a run from before the index: the orchestration is there, its rows are not.
        foreach (var lost in new[] { lost1, lost2 })
        {
            await host.RunIndex.DeleteAsync("old", lost.LogicalDate!.Value, lost.RunId);
        }

        Assert.Equal(["kept"], (await host.Runs.ListRunsAsync(new DagRunQuery(DagId: "old"))).Runs.Select(r => r.RunId));

        var first = await host.Runs.BackfillRunIndexAsync();
        var again = await host.Runs.BackfillRunIndexAsync();

        // Three runs in one page: one step scans them all, adds the two without rows and is done.
        Assert.Equal((3, 2, true), (first.Scanned, first.Recorded, first.Done));
        Assert.Equal(first, again);
        var listed = (await host.Runs.ListRunsAsync(new DagRunQuery(DagId: "old"))).Runs.OrderBy(r => r.RunId, StringComparer.Ordinal).ToList();
        Assert.Equal([("kept", DagRunState.Success), ("lost-1", DagRunState.Success), ("lost-2", DagRunState.Failed)], listed.Select(r => (r.RunId, r.State)));
        Assert.All(listed, r => Assert.Equal("a", Assert.Single(r.Tasks).Id));
    }
}
