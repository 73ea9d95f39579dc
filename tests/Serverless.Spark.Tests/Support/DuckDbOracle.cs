using DuckDB.NET.Data;

namespace Serverless.Spark.Tests.Support;

/// <summary>Independent answers: DuckDB run directly by the test on local files, not through the code under test.</summary>
internal static class DuckDbOracle
{
    public static object?[] Row(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), "the oracle query returned no row");
        var values = new object?[reader.FieldCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        return values;
    }

    public static string Literal(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
}
