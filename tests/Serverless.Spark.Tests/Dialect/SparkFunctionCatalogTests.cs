using DuckDB.NET.Data;
using Serverless.Spark.Dialect;

namespace Serverless.Spark.Tests.Dialect;

public sealed class SparkFunctionCatalogTests
{
    [Fact]
    public void MacroStatements_EachOne_IsAcceptedByDuckDb()
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var failures = new List<string>();
        foreach (string statement in SparkFunctionCatalog.MacroStatements())
        {
            try
            {
                using DuckDBCommand command = connection.CreateCommand();
                command.CommandText = statement;
                command.ExecuteNonQuery();
            }
            catch (DuckDBException e)
            {
                failures.Add(statement + " => " + e.Message);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
