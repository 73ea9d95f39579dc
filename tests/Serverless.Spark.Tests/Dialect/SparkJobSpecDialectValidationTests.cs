using Serverless.Spark.Dialect;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Tests.Dialect;

/// <summary>The validator surfaces the dialect: refusals with lines on the local backend, DuckDB SQL only there.</summary>
public sealed class SparkJobSpecDialectValidationTests
{
    private readonly SparkJobSpecValidator validator = new();

    [Fact]
    public void Validate_LocalBackendAndRefusedSql_ReportsTheLine()
    {
        IReadOnlyList<string> errors = this.validator.Validate(Spec("SELECT 1;\nSELECT hash(1)"), SparkBackendNames.Local);

        Assert.Contains(errors, e => e.StartsWith("sql line 2:", StringComparison.Ordinal) && e.Contains("'hash'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ClusterBackend_LeavesSparkSqlToSpark()
    {
        Assert.Empty(this.validator.Validate(Spec("SELECT hash(1)"), SparkBackendNames.Synapse));
    }

    [Fact]
    public void Validate_DuckDbDialectOnACluster_IsRefused()
    {
        IReadOnlyList<string> errors = this.validator.Validate(Spec("SELECT [1]") with { Dialect = SqlDialect.DuckDb }, SparkBackendNames.Databricks);

        Assert.Contains(errors, e => e.Contains("dialect 'duckdb' runs only on the local backend", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DuckDbDialectLocally_SkipsTheSparkCheck()
    {
        Assert.Empty(this.validator.Validate(Spec("SELECT [1]") with { Dialect = SqlDialect.DuckDb }, SparkBackendNames.Local));
    }

    [Fact]
    public void Validate_UnknownDialect_IsRefused()
    {
        Assert.Contains(this.validator.Validate(Spec("SELECT 1") with { Dialect = "hive" }), e => e.Contains("dialect 'hive' is unknown", StringComparison.Ordinal));
    }

    [Fact]
    public void ToJson_DefaultDialect_IsOmittedAndDuckDbRoundTrips()
    {
        Assert.DoesNotContain("dialect", Spec("SELECT 1").ToJson(), StringComparison.Ordinal);
        Assert.Equal(SqlDialect.DuckDb, SparkJobSpec.FromJson((Spec("SELECT 1") with { Dialect = SqlDialect.DuckDb }).ToJson()).Dialect);
    }

    private static SparkJobSpec Spec(string sql) => new("job", SparkJobKind.Sql)
    {
        Sql = sql,
        Outputs = [new SparkJobOutput("out", "data/out/", SparkDataFormat.Csv)],
    };
}
