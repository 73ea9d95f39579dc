using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;

namespace Serverless.Pipelines.Tests.Loading;

public sealed class DagJsonExporterTests
{
    [Fact]
    public void Export_BuilderDag_LoadsBackToEqualModel()
    {
        var dag = new DagBuilder("round-trip")
            .Description("every field")
            .Schedule("0 */2 * * *")
            .TimeZone("Europe/Amsterdam")
            .StartDate(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)))
            .EndDate(new DateTimeOffset(2024, 12, 31, 0, 0, 0, TimeSpan.FromHours(1)))
            .Catchup()
            .MaxActiveRuns(3)
            .MaxActiveTasks(5)
            .Defaults(new DagTaskDefaults { Retries = 3, RetryDelay = TimeSpan.FromSeconds(45), RetryExponentialBackoff = true, MaxRetryDelay = TimeSpan.FromMinutes(20), ExecutionTimeout = TimeSpan.FromHours(1), Backend = "local" })
            .Param("mode", DagParamType.String, "full", description: "load mode")
            .Param("n", DagParamType.Number, 1.5)
            .Param("keys", DagParamType.Object, new JsonObject { ["a"] = 1 })
            .Tags("t1", "t2")
            .Task("wait", DagTaskKind.Sensor, t => t.Sensor(new SensorSettings { Type = SensorKind.ExternalEvent, EventName = "go", Timeout = TimeSpan.FromMinutes(5) }))
            .Task("choose", DagTaskKind.Branch, t => t.DependsOn("wait").Branch(new BranchSettings
            {
                Param = "mode",
                Cases = new Dictionary<string, IReadOnlyList<string>> { ["full"] = ["load"], ["none"] = [] },
                Default = ["load"],
            }))
            .Task("load", DagTaskKind.Sql, t => t
                .DependsOn("choose")
                .TriggerRule(TriggerRule.NoneFailedMinOneSuccess)
                .Retries(1, TimeSpan.FromSeconds(10), exponentialBackoff: false, maxDelay: TimeSpan.FromMinutes(1))
                .ExecutionTimeout(TimeSpan.FromMinutes(30))
                .InputBlob("src", "in/{{ ds }}/data.csv", DataFormat.Csv, "landing", new Dictionary<string, string> { ["header"] = "true", ["delimiter"] = ";" })
                .Sql("SELECT * FROM src WHERE x < 3 AND y = 'a\"b'")
                .Output("rows", DataFormat.Json, OutputWriteMode.ErrorIfExists))
            .Task("spark", DagTaskKind.Jar, t => t
                .InputFrom("rows", "load.rows")
                .File("jars/app.jar")
                .ClassName("com.example.App")
                .Args("--day", "{{ ds }}")
                .Jars("jars/dep.jar")
                .Conf("spark.sql.shuffle.partitions", "8")
                .Resources(new TaskResources { DriverMemory = "2g", ExecutorCores = 2, NumExecutors = 3 })
                .Backend("databricks")
                .Output("result", path: "exports/{{ ds }}"))
            .Task("multi", DagTaskKind.Sql, t => t
                .InputFrom("rows", "load.rows")
                .Sql("CREATE VIEW big AS SELECT * FROM rows WHERE x > 1; SELECT COUNT(*) AS n FROM rows")
                .Output("counts")
                .Output("big_rows", DataFormat.Csv, table: "big", options: new Dictionary<string, string> { ["header"] = "true" }))
            .Build();

        var json = DagJsonExporter.Export(dag);
        var loaded = DagFileLoader.Load(json, "round-trip.json");

        Assert.Empty(loaded.Problems);
        Assert.Equal(json, DagJsonExporter.Export(loaded.Dag!));
        Assert.Equal(dag.StartDate, loaded.Dag!.StartDate);
        Assert.Equal(dag.Defaults, loaded.Dag.Defaults);
        Assert.Equal(dag.Tasks[2].Sql, loaded.Dag.Tasks[2].Sql);
        Assert.Equal(dag.Tasks[3].Resources, loaded.Dag.Tasks[3].Resources);
        Assert.Equal(dag.Tasks[0].Sensor, loaded.Dag.Tasks[0].Sensor);
        Assert.Equal(["load"], loaded.Dag.Tasks[1].Branch!.Resolve("full"));
        Assert.Empty(loaded.Dag.Tasks[1].Branch!.Resolve("none"));
        Assert.Equal(["load"], loaded.Dag.Tasks[1].Branch!.Resolve("other"));
        Assert.Equal("{\"a\":1}", loaded.Dag.FindParam("keys")!.Default!.ToJsonString());
        Assert.Equal("big", loaded.Dag.Tasks[4].Outputs[1].Table);
        Assert.Equal("true", loaded.Dag.Tasks[4].Outputs[1].Options["header"]);
    }
}
