using Serverless.Pipelines.Runs;
using Serverless.Spark.Jobs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Every trigger rule end to end: one run whose upstreams end in success, failed and skipped; every rule task's state is Airflow's answer.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TriggerRuleRunTests(AzuriteFixture azurite)
{
    private const string Yaml = """
        id: rules
        params:
          follow: { type: string, default: "" }
        tasks:
          - { id: ok, kind: sql, sql: "SELECT 1", outputs: [rows] }
          - { id: bad, kind: sql, sql: "SELECT 'fail'", outputs: [rows] }
          - { id: choose, kind: branch, branch: { param: follow } }
          - { id: skipped, kind: sql, dependsOn: [choose], sql: "SELECT 1", outputs: [rows] }
          - { id: all-success-ok, kind: sql, dependsOn: [ok], sql: "SELECT 1", outputs: [rows] }
          - { id: all-success-bad, kind: sql, dependsOn: [ok, bad], sql: "SELECT 1", outputs: [rows] }
          - { id: all-success-skip, kind: sql, dependsOn: [ok, skipped], sql: "SELECT 1", outputs: [rows] }
          - { id: all-failed-bad, kind: sql, dependsOn: [bad], triggerRule: all_failed, sql: "SELECT 1", outputs: [rows] }
          - { id: all-failed-mixed, kind: sql, dependsOn: [ok, bad], triggerRule: all_failed, sql: "SELECT 1", outputs: [rows] }
          - { id: all-done, kind: sql, dependsOn: [ok, bad, skipped], triggerRule: all_done, sql: "SELECT 1", outputs: [rows] }
          - { id: all-skipped, kind: sql, dependsOn: [skipped], triggerRule: all_skipped, sql: "SELECT 1", outputs: [rows] }
          - { id: one-success, kind: sql, dependsOn: [ok, bad], triggerRule: one_success, sql: "SELECT 1", outputs: [rows] }
          - { id: one-success-none, kind: sql, dependsOn: [bad], triggerRule: one_success, sql: "SELECT 1", outputs: [rows] }
          - { id: one-failed, kind: sql, dependsOn: [ok, bad], triggerRule: one_failed, sql: "SELECT 1", outputs: [rows] }
          - { id: one-failed-none, kind: sql, dependsOn: [ok], triggerRule: one_failed, sql: "SELECT 1", outputs: [rows] }
          - { id: one-done, kind: sql, dependsOn: [bad, skipped], triggerRule: one_done, sql: "SELECT 1", outputs: [rows] }
          - { id: none-failed, kind: sql, dependsOn: [ok, skipped], triggerRule: none_failed, sql: "SELECT 1", outputs: [rows] }
          - { id: none-failed-bad, kind: sql, dependsOn: [ok, bad], triggerRule: none_failed, sql: "SELECT 1", outputs: [rows] }
          - { id: nfmos, kind: sql, dependsOn: [ok, skipped], triggerRule: none_failed_min_one_success, sql: "SELECT 1", outputs: [rows] }
          - { id: nfmos-all-skipped, kind: sql, dependsOn: [skipped], triggerRule: none_failed_min_one_success, sql: "SELECT 1", outputs: [rows] }
          - { id: none-skipped, kind: sql, dependsOn: [ok, bad], triggerRule: none_skipped, sql: "SELECT 1", outputs: [rows] }
          - { id: none-skipped-skip, kind: sql, dependsOn: [ok, skipped], triggerRule: none_skipped, sql: "SELECT 1", outputs: [rows] }
          - { id: always, kind: sql, dependsOn: [bad], triggerRule: always, sql: "SELECT 1", outputs: [rows] }
          - { id: after-upstream-failed, kind: sql, dependsOn: [all-success-bad], sql: "SELECT 1", outputs: [rows] }
        """;

    [Fact]
    public async Task Run_EveryTriggerRule_DownstreamStatesAsAirflow()
    {
        var backend = new FakeSparkBackend { Outcome = (spec, _) => spec.Sql!.Contains("fail", StringComparison.Ordinal) ? SparkJobState.Failed : SparkJobState.Succeeded };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)], backend);

        var run = await host.RunAsync("rules");

        var states = run.Tasks.ToDictionary(t => t.Id, t => t.State);
        var expected = new Dictionary<string, TaskInstanceState>
        {
            ["ok"] = TaskInstanceState.Success,
            ["bad"] = TaskInstanceState.Failed,
            ["choose"] = TaskInstanceState.Success,
            ["skipped"] = TaskInstanceState.Skipped,
            ["all-success-ok"] = TaskInstanceState.Success,
            ["all-success-bad"] = TaskInstanceState.UpstreamFailed,
            ["all-success-skip"] = TaskInstanceState.Skipped,
            ["all-failed-bad"] = TaskInstanceState.Success,
            ["all-failed-mixed"] = TaskInstanceState.Skipped,
            ["all-done"] = TaskInstanceState.Success,
            ["all-skipped"] = TaskInstanceState.Success,
            ["one-success"] = TaskInstanceState.Success,
            ["one-success-none"] = TaskInstanceState.UpstreamFailed,
            ["one-failed"] = TaskInstanceState.Success,
            ["one-failed-none"] = TaskInstanceState.Skipped,
            ["one-done"] = TaskInstanceState.Success,
            ["none-failed"] = TaskInstanceState.Success,
            ["none-failed-bad"] = TaskInstanceState.UpstreamFailed,
            ["nfmos"] = TaskInstanceState.Success,
            ["nfmos-all-skipped"] = TaskInstanceState.Skipped,
            ["none-skipped"] = TaskInstanceState.Success,
            ["none-skipped-skip"] = TaskInstanceState.Skipped,
            ["always"] = TaskInstanceState.Success,
            ["after-upstream-failed"] = TaskInstanceState.UpstreamFailed,
        };
        Assert.Equal(expected.OrderBy(p => p.Key), states.OrderBy(p => p.Key));
        Assert.Equal(DagRunState.Failed, run.State);

        // Tasks decided without running submitted nothing: 2 + the 12 rule tasks that ran.
        var ran = expected.Count(p => p.Value == TaskInstanceState.Success) - 1; // the branch runs no job
        Assert.Equal(ran + 1, backend.SpecsOf(run.RunId).Count);
    }
}
