using System.Globalization;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Scheduling;
using Serverless.Pipelines.Templating;
using Serverless.Pipelines.Validation;
using Serverless.Spark.Dialect;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Samples;

/// <summary>
/// Runs a DAG's SQL tasks in one in-memory DuckDB, in topological order, the way the local backend would: each input
/// becomes a view, each output a table. Only for checking that the samples' SQL parses and computes; the real runs
/// go through the DAG orchestrator and the Spark layer.
/// </summary>
internal sealed class DuckDbSampleRunner : IDisposable
{
    private readonly DuckDBConnection connection = new("DataSource=:memory:");

    public DuckDbSampleRunner() => connection.Open();

    public static string DataFolder => Path.Combine(RepositoryPaths.Root, "node_modules", "vega-datasets", "data");

    public void Run(DagDefinition dag, DateTimeOffset logicalDate)
    {
        var schedule = DagSchedule.For(dag);
        var interval = schedule.IsManual ? new DataInterval(logicalDate, logicalDate) : schedule.DataIntervalOf(logicalDate);
        var parameters = DagValidator.ResolveRunParams(dag, null);
        foreach (var taskId in new DagGraph(dag).TopologicalOrder)
        {
            var task = dag.FindTask(taskId)!;
            var context = new TemplateContext
            {
                DagId = dag.Id,
                RunId = DagRunIds.ForLogicalDate(logicalDate),
                TaskId = taskId,
                LogicalDate = interval.Start,
                DataIntervalStart = interval.Start,
                DataIntervalEnd = interval.End,
                Params = parameters,
            };
            var table = Table(taskId, task.Outputs[0].Name);
            var instances = task.Expand is { } expand ? Items(expand, parameters) : [null];
            for (var index = 0; index < instances.Count; index++)
            {
                var instance = task.Expand is null ? context : context with { Item = instances[index], MapIndex = index };
                foreach (var input in task.Inputs)
                {
                    Execute($"CREATE OR REPLACE VIEW {input.Name} AS {Source(input)}");
                }

                // The task SQL is Spark SQL: translated the way the local backend runs it.
                var statements = SparkSqlDialect.Translate(TemplateRenderer.Render(task.Sql!, instance));
                SparkSqlDialect.Register(connection, statements);
                var sql = statements[^1];
                Execute(index == 0 ? $"CREATE TABLE {table} AS {sql}" : $"INSERT INTO {table} {sql}");
            }
        }
    }

    public List<object?[]> Query(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public static string Table(string taskId, string output) => "\"" + taskId + "__" + output + "\"";

    public static string SampleFile(string blobPath)
    {
        Assert.StartsWith("samples/", blobPath, StringComparison.Ordinal);
        return Path.Combine(DataFolder, blobPath["samples/".Length..]);
    }

    public void Dispose() => connection.Dispose();

    private List<JsonNode?> Items(TaskExpand expand, IReadOnlyDictionary<string, JsonNode?> parameters)
    {
        if (expand.Param is { } param)
        {
            return [.. parameters[param]!.AsArray().Select(n => n?.DeepClone())];
        }

        return Query($"SELECT {expand.Column} FROM {Table(expand.FromTask!, expand.FromOutput!)} ORDER BY 1")
            .Select(row => (JsonNode?)JsonValue.Create(Convert.ToString(row[0], CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static string Source(TaskInput input)
    {
        if (input.From is not null)
        {
            return "SELECT * FROM " + Table(input.FromTask!, input.FromOutput!);
        }

        var file = SampleFile(input.Path!).Replace("'", "''", StringComparison.Ordinal);
        return input.EffectiveFormat switch
        {
            DataFormat.Csv => $"SELECT * FROM read_csv('{file}', header = {input.Options.GetValueOrDefault("header", "false")})",
            DataFormat.Json => $"SELECT * FROM read_json_auto('{file}')",
            _ => $"SELECT * FROM read_parquet('{file}')",
        };
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
