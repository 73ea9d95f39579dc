using Serverless.Spark.Dialect;

namespace Serverless.Spark.Tests.Dialect;

/// <summary>The rewriter's promises: refusals named with their line, literals and comments untouched, Spark syntax rewritten.</summary>
public sealed class SparkSqlDialectTests : IDisposable
{
    private readonly DialectDatabase database = new();

    [Fact]
    public void Check_UnknownFunction_NamesItWithItsLine()
    {
        const string Sql = "SELECT a,\n       b\nFROM t\nWHERE hash(a) > 0";

        SparkSqlProblem problem = Assert.Single(SparkSqlDialect.Check(Sql));

        Assert.Equal(4, problem.Line);
        Assert.Equal("hash", problem.Construct);
        Assert.Contains("'hash'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SecondStatement_CountsLinesFromTheScriptStart()
    {
        IReadOnlyList<SparkSqlProblem> problems = SparkSqlDialect.Check("CREATE TEMPORARY VIEW v AS SELECT 1 AS x;\n\nSELECT x\nFROM v PIVOT (sum(x) FOR x IN (1))");

        Assert.Contains(problems, p => p.Line == 4 && p.Construct == "PIVOT");
    }

    [Theory]
    [InlineData("INSERT INTO t SELECT 1", "INSERT")]
    [InlineData("CREATE TEMPORARY FUNCTION f AS 'x'", "CREATE FUNCTION")]
    [InlineData("CREATE TABLE t USING parquet AS SELECT 1", "CREATE TABLE")]
    [InlineData("SELECT [1, 2]", "[...]")]
    [InlineData("SELECT arr[i] FROM t", "[...]")]
    [InlineData("SELECT * FROM t DISTRIBUTE BY a", "DISTRIBUTE BY")]
    [InlineData("SELECT date_format(ts, fmt) FROM t", "datetime pattern")]
    [InlineData("SELECT kurtosis(x) FROM t", "kurtosis")]
    [InlineData("SELECT x FROM t LATERAL VIEW json_tuple(j, 'a') v AS a", "LATERAL VIEW json_tuple")]
    [InlineData("SELECT substr('a', 1, 2, 3)", "substr")]
    public void Check_UnsupportedConstruct_IsRefusedByName(string sql, string construct)
    {
        Assert.Contains(SparkSqlDialect.Check(sql), p => p.Construct == construct);
    }

    [Fact]
    public void Check_TemplatePlaceholders_AreAccepted()
    {
        Assert.Empty(SparkSqlDialect.Check("SELECT * FROM flights WHERE delay > {{ params.min_delay }} AND d = DATE '{{ ds }}'"));
    }

    [Fact]
    public void Run_StringLiteralsAndComments_AreNeverRewritten()
    {
        // Words the rewriter acts on, inside a literal and a comment.
        const string Sql = "SELECT 'nvl(a, b) RLIKE x DIV 2 `q` array(1)' AS s -- size(x) LATERAL VIEW explode(y)\n/* named_struct('a', 1) */";

        Assert.Equal("nvl(a, b) RLIKE x DIV 2 `q` array(1)", this.database.Run(Sql));
    }

    [Fact]
    public void Run_SparkStringEscapesAndDoubleQuotes_KeepTheirSparkValue()
    {
        Assert.Equal("it's\ta \"b\"", this.database.Run("SELECT 'it\\'s\\ta ' \"\\\"b\\\"\""));
    }

    [Theory]
    [InlineData("SELECT CAST(42 AS STRING) || '!'", "42!")]
    [InlineData("SELECT CAST('7' AS LONG) + 1", "8")]
    [InlineData("SELECT CAST(2.5 AS DECIMAL)", "3")]
    [InlineData("SELECT CAST(2.567 AS DECIMAL(5, 2))", "2.57")]
    [InlineData("SELECT CAST(array(1, 2) AS ARRAY<STRING>)", "[\"1\",\"2\"]")]
    [InlineData("SELECT CAST(map('a', 1) AS MAP<STRING, BIGINT>)", "{\"a\":1}")]
    [InlineData("SELECT CAST(named_struct('a', 1) AS STRUCT<a: STRING>)", "{\"a\":\"1\"}")]
    [InlineData("SELECT string(5)", "5")]
    [InlineData("SELECT int('12') + 1", "13")]
    [InlineData("SELECT 10L * 3", "30")]
    public void Run_SparkTypeNames_CastWithSparksMeaning(string sql, string expected)
    {
        Assert.Equal(expected, this.database.Run(sql));
    }

    [Theory]
    [InlineData("SELECT array(10, 20, 30)[0]", "10")]
    [InlineData("SELECT map('k', 'v')['k']", "v")]
    [InlineData("SELECT struct(1 AS a, 'x' AS b).b", "x")]
    [InlineData("SELECT s.b FROM (SELECT struct(x, y AS b) AS s FROM VALUES (1, 2) AS t(x, y))", "2")]
    [InlineData("SELECT 7 DIV 2, -7 DIV 2", "3\t-3")]
    [InlineData("SELECT 5 ^ 3 + 1", "1")]
    [InlineData("SELECT NULL <=> NULL AND 1 <=> 1", "true")]
    [InlineData("SELECT count(*) FROM VALUES ('a1'), ('b2') AS t(s) WHERE s RLIKE '[0-9]$' AND s NOT REGEXP '^b'", "1")]
    [InlineData("SELECT x FROM range(3) AS r(x) ORDER BY x DESC LIMIT 1", "2")]
    [InlineData("SELECT id FROM range(1, 3) SORT BY id", "1\n2")]
    [InlineData("SELECT k, v FROM VALUES (map('a', 1)) AS t(m) LATERAL VIEW explode(m) e AS k, v", "a\t1")]
    [InlineData("SELECT * FROM VALUES (1), (2) AS a(x) LEFT SEMI JOIN VALUES (2) AS b(y) ON x = y", "2")]
    [InlineData("SELECT 1 AS x MINUS SELECT 2", "1")]
    [InlineData("SELECT 'a\\\\_b' LIKE 'a\\\\_b', 'axb' LIKE 'a\\\\_b'", "false\tfalse")]
    [InlineData("SELECT 1/0", "NULL")]
    public void Run_SparkSyntax_GivesSparksResult(string sql, string expected)
    {
        Assert.Equal(expected, this.database.Run(sql));
    }

    [Fact]
    public void Translate_RefusedScript_ThrowsWithEveryProblem()
    {
        var e = Assert.Throws<SparkSqlDialectException>(() => SparkSqlDialect.Translate("SELECT soundex(a),\ncrc32(b) FROM t"));

        Assert.Equal([1, 2], e.Problems.Select(p => p.Line));
    }

    public void Dispose() => this.database.Dispose();
}
