using Serverless.Pipelines.Service;
using Serverless.Spark.Jobs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Who did what, when: a run's trail (trigger, terminate) and a DAG's (pause, unpause, trigger, backfill).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AuditTrailTests(AzuriteFixture azurite)
{
    private const string Yaml = """
        id: audited
        schedule: "@daily"
        startDate: 2024-01-01
        tasks:
          - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
        """;

    [Fact]
    public async Task OperatorActions_EachRecordedWithWhoWhatAndWhen_DagTrailNewestFirst()
    {
        var backend = new FakeSparkBackend { Outcome = (_, key) => key.StartsWith("held:", StringComparison.Ordinal) ? SparkJobState.Running : SparkJobState.Succeeded };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)], backend);
        var before = DateTimeOffset.UtcNow;

        await host.Runs.SetPausedAsync("audited", true, "key:ops");
        await host.Runs.SetPausedAsync("audited", false, "principal:ana@example.com");
        var held = await host.Runs.TriggerAsync("audited", new DagRunTrigger(RunId: "held", RequestedBy: "key:ci"));
        await Poll.UntilAsync(() => Task.FromResult(!backend.Submitted.IsEmpty), TimeSpan.FromSeconds(30), "the held run's job to start");
        await host.Runs.TerminateAsync(held.RunId, "wrong data", "key:ops");
        await host.WaitAsync(held.RunId);
        var day = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await host.Runs.BackfillAsync("audited", day, day, 1, new DagBackfillOptions(RequestedBy: "key:ci"));

        var dagTrail = await host.Runs.GetDagAuditAsync("audited");
        var runTrail = (await host.Runs.GetRunAsync(held.RunId))!.Audit;

        Assert.Equal(
            [("backfill", "key:ci"), ("trigger", "key:ci"), ("unpause", "principal:ana@example.com"), ("pause", "key:ops")],
            dagTrail.Select(e => (e.Action, e.By)));
        Assert.Contains("1 point(s), 1 new", dagTrail[0].Detail, StringComparison.Ordinal);
        Assert.Contains("run held triggered", dagTrail[1].Detail, StringComparison.Ordinal);
        Assert.Equal([("trigger", "key:ci"), ("terminate", "key:ops")], runTrail.Select(e => (e.Action, e.By)));
        Assert.Equal("terminated: wrong data", runTrail[1].Detail);
        Assert.All(dagTrail.Concat(runTrail), e => Assert.InRange(e.At, before.AddSeconds(-1), DateTimeOffset.UtcNow));
        await Assert.ThrowsAsync<DagNotFoundException>(() => host.Runs.GetDagAuditAsync("nope"));
    }
}
