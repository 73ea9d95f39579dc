using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Serverless.Spark.Dialect;
using Serverless.Spark.Tests.Support;

namespace Serverless.Spark.Tests.Dialect;

/// <summary>The sample DAGs are written in Spark SQL; the local dialect accepts every task and gives the known counts.</summary>
public sealed partial class SampleDagSqlTests
{
    /// <summary>The template values the samples use, rendered the simple way the test needs.</summary>
    private static readonly Dictionary<string, string> Values = new(StringComparer.Ordinal)
    {
        ["params.min_delay"] = "150",
        ["params.short_miles"] = "200",
        ["params.long_miles"] = "600",
        ["params.top_n"] = "10",
        ["params.min_route_flights"] = "3",
        ["ds"] = "2001-01-15",
        ["item"] = "AAPL",
    };

    public static TheoryData<string> Dags => new(["departure-delays", "flights-daily", "hello", "stocks"]);

    [Theory]
    [MemberData(nameof(Dags))]
    public void Check_EveryTaskOfASampleDag_IsAccepted(string dag)
    {
        Dictionary<string, string> tasks = TaskSql(dag);

        Assert.NotEmpty(tasks);
        Assert.All(tasks, task => Assert.Empty(SparkSqlDialect.Check(task.Value)));
    }

    [Fact]
    public void DepartureDelays_OnTheFlightsFile_GivesTheKnownCounts()
    {
        Dictionary<string, string> tasks = TaskSql("departure-delays");
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        Execute(connection, $"CREATE VIEW flights AS SELECT * FROM read_parquet('{FlightsData.FlightsFile.Replace("'", "''", StringComparison.Ordinal)}')");
        Execute(connection, "CREATE TABLE loaded AS " + Translate(connection, tasks["load"]));
        Execute(connection, "DROP VIEW flights; CREATE VIEW flights AS SELECT * FROM loaded");


        // The counts the sample has always produced (issue 18): 27, 318,317 and 1,417,098.
        Assert.Equal([27L, 318_317L, 1_417_098L], new[] { "phl-dfw-delayed", "short-flights", "long-flights" }.Select(t => Count(connection, tasks[t])));
    }

    private static string Translate(DuckDBConnection connection, string sql)
    {
        IReadOnlyList<string> statements = SparkSqlDialect.Translate(sql);
        SparkSqlDialect.Register(connection, statements);
        return Assert.Single(statements);
    }

    private static long Count(DuckDBConnection connection, string sql)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM ({Translate(connection, sql)})";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Reads each task's <c>sql</c> (a one-line value or a <c>|</c> block) from a sample DAG file, templates rendered.</summary>
    private static Dictionary<string, string> TaskSql(string dag)
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryFiles.Root, "orchestrations", "dags", dag + ".yaml"));
        var tasks = new Dictionary<string, string>(StringComparer.Ordinal);
        string? task = null;
        for (int i = 0; i < lines.Length; i++)
        {
            Match id = TaskId().Match(lines[i]);
            if (id.Success)
            {
                task = id.Groups[1].Value;
                continue;
            }

            Match sql = SqlKey().Match(lines[i]);
            if (!sql.Success || task is null)
            {
                continue;
            }

            string text = sql.Groups[2].Value;
            if (text == "|")
            {
                int indent = sql.Groups[1].Length + 2;
                var block = new List<string>();
                while (i + 1 < lines.Length && (lines[i + 1].Length == 0 || lines[i + 1].Length > indent && lines[i + 1][..indent].Trim().Length == 0))
                {
                    block.Add(lines[++i].Length == 0 ? string.Empty : lines[i][indent..]);
                }

                text = string.Join("\n", block);
            }

            tasks[task] = Template().Replace(text, m => Values[m.Groups[1].Value]);
        }

        return tasks;
    }

    [GeneratedRegex(@"^\s*- id: (\S+)")]
    private static partial Regex TaskId();

    [GeneratedRegex(@"^(\s*)sql: (.*)$")]
    private static partial Regex SqlKey();

    [GeneratedRegex(@"\{\{\s*([\w.]+)\s*\}\}")]
    private static partial Regex Template();
}
