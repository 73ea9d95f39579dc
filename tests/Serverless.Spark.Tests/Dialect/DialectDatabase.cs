using DuckDB.NET.Data;
using Serverless.Spark.Dialect;

namespace Serverless.Spark.Tests.Dialect;

/// <summary>An in-memory DuckDB connection with the Spark dialect registered, running Spark SQL and printing Spark's text.</summary>
internal sealed class DialectDatabase : IDisposable
{
    private readonly DuckDBConnection connection = new("Data Source=:memory:");
    private readonly string timeZone;

    /// <summary>Initializes a new instance of the <see cref="DialectDatabase"/> class.</summary>
    /// <param name="timeZone">The session time zone; Spark's documentation examples are run in America/Los_Angeles.</param>
    public DialectDatabase(string timeZone = "UTC")
    {
        this.connection.Open();
        this.timeZone = timeZone;
    }

    /// <summary>Translates and runs a script; returns the last statement's rows as Spark's CLI prints them.</summary>
    public string Run(string sparkSql)
    {
        IReadOnlyList<string> statements = SparkSqlDialect.Translate(sparkSql);

        // As the local runner does: only the macros the statements call, with their dependencies.
        SparkSqlDialect.Register(this.connection, statements, this.timeZone);
        string result = string.Empty;
        foreach (string statement in statements)
        {
            using DuckDBCommand command = this.connection.CreateCommand();
            command.CommandText = statement;
            using DuckDBDataReader reader = command.ExecuteReader();
            result = SparkResultText.Render(reader);
        }

        return result;
    }

    public void Dispose() => this.connection.Dispose();
}
