using Serverless.Pipelines.Loading;

namespace Serverless.Pipelines.Tests.Validation;

/// <summary>Task SQL the local engine cannot run with Spark's meaning is a validation problem, named, with its SQL line.</summary>
public sealed class SparkSqlValidationTests
{
    [Fact]
    public void Load_SqlUsesRefusedFunction_ProblemNamesItAndItsLine()
    {
        var result = DagFileLoader.Load("""
            id: refused
            tasks:
              - id: t
                kind: sql
                sql: |
                  SELECT name,
                         soundex(name) AS code
                  FROM range(3)
                outputs: [rows]
            """, "refused.yaml");

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Contains("soundex", problem.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Spark SQL line 2", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SparkSqlTheDialectRuns_IsValid()
    {
        var result = DagFileLoader.Load("""
            id: accepted
            tasks:
              - id: t
                kind: sql
                sql: SELECT date_format(to_date('2024-01-31'), 'yyyy-MM-dd') AS `day`, nvl(NULL, 1) AS one
                outputs: [rows]
            """, "accepted.yaml");

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
    }
}
