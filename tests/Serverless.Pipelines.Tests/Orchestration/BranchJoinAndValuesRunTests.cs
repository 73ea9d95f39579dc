using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>A join over both arms of a branch (optional inputs) and task values, on the real local stack (DuckDB backend, Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BranchJoinAndValuesRunTests(AzuriteFixture azurite)
{
    private const string Yaml = """
        id: join-arms
        params:
          arm: { type: string, default: wet }
        tasks:
          - id: source
            kind: sql
            sql: SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 5
            outputs: [rows]
            values:
              n: SELECT count(*) FROM rows
              top: SELECT max(x) FROM rows
          - id: choose
            kind: branch
            dependsOn: [source]
            branch: { param: arm, cases: { wet: [wet-report], dry: [dry-report] } }
          - id: wet-report
            kind: sql
            dependsOn: [choose]
            inputs: [{ name: src, from: source.rows }]
            sql: SELECT 'wet' AS arm, count(*) AS rows_seen FROM src
            outputs: [report]
          - id: dry-report
            kind: sql
            dependsOn: [choose]
            inputs: [{ name: src, from: source.rows }]
            sql: SELECT 'dry' AS arm, sum(x) AS rows_seen FROM src
            outputs: [report]
          - id: join
            kind: sql
            triggerRule: none_failed_min_one_success
            inputs:
              - { name: wet, from: wet-report.report, optional: true }
              - { name: dry, from: dry-report.report, optional: true }
            sql: |
              SELECT arm, rows_seen, {{ tasks.source.values.n }} AS published_n, {{ tasks.source.values.top }} AS published_top FROM (
              {% if outputs['wet-report'] is defined %}SELECT arm, rows_seen FROM wet{% endif %}
              {% if outputs['dry-report'] is defined %}SELECT arm, rows_seen FROM dry{% endif %}
              ) AS arms
            outputs: [rows]
        """;

    [Fact]
    public async Task Run_JoinWithOptionalInputs_SucceedsOnBothBranchOutcomesAndReadsTaskValues()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)]);

        // Worked by hand from the source rows 1, 2, 5: three rows, largest 5, sum 8.
        foreach (var (arm, skipped, rowsSeen) in new[] { ("wet", "dry-report", 3L), ("dry", "wet-report", 8L) })
        {
            var run = await host.RunAsync("join-arms", new DagRunTrigger(new JsonObject { ["arm"] = arm }));

            Assert.True(run.State == DagRunState.Success, run.Error ?? string.Join("; ", run.Tasks.Select(t => $"{t.Id}: {t.Error}")));
            var states = run.Tasks.ToDictionary(t => t.Id, t => t.State);
            Assert.Equal(TaskInstanceState.Skipped, states[skipped]);
            Assert.Equal(TaskInstanceState.Success, states["join"]);
            var rows = await host.ReadRowsAsync(run.Tasks.Single(t => t.Id == "join").Outputs["rows"]);
            var row = Assert.Single(rows);
            Assert.Equal(arm, row["arm"]);
            Assert.Equal(rowsSeen, Convert.ToInt64(row["rows_seen"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(3L, Convert.ToInt64(row["published_n"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(5L, Convert.ToInt64(row["published_top"], System.Globalization.CultureInfo.InvariantCulture));

            // The values are in the run's task entry (GET /api/runs/{id}) and in the manifest.
            var values = run.Tasks.Single(t => t.Id == "source").Values;
            Assert.NotNull(values);
            Assert.Equal(3L, values["n"]!.GetValue<long>());
            var manifest = await host.ReadManifestAsync("join-arms", run.RunId);
            var entry = manifest["tasks"]!.AsArray().Single(t => (string?)t!["taskId"] == "source")!;
            Assert.Equal(3L, entry["values"]!["n"]!.GetValue<long>());
            Assert.Equal(5L, entry["values"]!["top"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task RerunAsync_ReusedTaskWithValues_CarriesItsValuesIntoTheRerun()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)]);
        var first = await host.RunAsync("join-arms");
        Assert.Equal(DagRunState.Success, first.State);

        var rerun = await host.Runs.RerunAsync(first.RunId, new DagRerunRequest(Tasks: ["join"]));
        var second = await host.WaitAsync(rerun.RunId);

        Assert.Equal(DagRunState.Success, second.State);
        var source = second.Tasks.Single(t => t.Id == "source");
        Assert.True(source.Reused);
        Assert.Equal(JsonSerializer.Serialize(first.Tasks.Single(t => t.Id == "source").Values), JsonSerializer.Serialize(source.Values));
        var join = second.Tasks.Single(t => t.Id == "join");
        Assert.False(join.Reused);
        var row = Assert.Single(await host.ReadRowsAsync(join.Outputs["rows"]));
        Assert.Equal(3L, Convert.ToInt64(row["published_n"], System.Globalization.CultureInfo.InvariantCulture));
    }
}
