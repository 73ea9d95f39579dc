namespace Serverless.Spark.Tests.Dialect;

/// <summary>
/// The 17 everyday idioms of issue 18 that failed on plain DuckDB, each with the result Spark's documentation gives.
/// </summary>
public sealed class SparkSqlIdiomTests : IDisposable
{
    private readonly DialectDatabase database = new("America/Los_Angeles");

    public static TheoryData<string, string, string> Idioms => new()
    {
        // date_format: SELECT date_format('2016-04-08', 'y') -> 2016.
        { "date_format", "SELECT date_format('2016-04-08', 'y')", "2016" },
        { "date_format", "SELECT date_format(TIMESTAMP '2016-04-08 13:08:15', 'yyyy-MM-dd HH:mm:ss')", "2016-04-08 13:08:15" },
        { "to_date", "SELECT to_date('2009-07-30 04:17:52')", "2009-07-30" },
        { "to_date", "SELECT to_date('2016-12-31', 'yyyy-MM-dd')", "2016-12-31" },
        { "nvl", "SELECT nvl(NULL, array('2'))", "[\"2\"]" },
        { "collect_list", "SELECT collect_list(col) FROM VALUES (1), (2), (1) AS tab(col)", "[1,2,1]" },
        { "percentile_approx", "SELECT percentile_approx(col, array(0.5, 0.4, 0.1), 100) FROM VALUES (0), (1), (2), (10) AS tab(col)", "[1,1,0]" },
        { "percentile_approx", "SELECT percentile_approx(col, 0.5, 100) FROM VALUES (0), (6), (7), (9), (10) AS tab(col)", "7" },
        { "from_unixtime", "SELECT from_unixtime(0, 'yyyy-MM-dd HH:mm:ss')", "1969-12-31 16:00:00" },
        { "from_unixtime", "SELECT from_unixtime(0)", "1969-12-31 16:00:00" },
        { "unix_timestamp", "SELECT unix_timestamp('2016-04-08', 'yyyy-MM-dd')", "1460098800" },
        { "substring_index", "SELECT substring_index('www.apache.org', '.', 2)", "www.apache" },
        { "named_struct", "SELECT named_struct('a', 1, 'b', 2, 'c', 3)", "{\"a\":1,\"b\":2,\"c\":3}" },
        { "datediff", "SELECT datediff('2009-07-31', '2009-07-30')", "1" },
        { "datediff", "SELECT datediff('2009-07-30', '2009-07-31')", "-1" },
        { "size", "SELECT size(array('b', 'd', 'c', 'a'))", "4" },
        { "size", "SELECT size(NULL)", "-1" },
        { "array_contains", "SELECT array_contains(array(1, 2, 3), 2)", "true" },
        { "array", "SELECT array(1, 2, 3)", "[1,2,3]" },
        { "backticks", "SELECT `my col` + 1 FROM VALUES (41) AS t(`my col`)", "42" },
        { "rlike", "SELECT '%SystemDrive%\\\\Users\\\\John' rlike '%SystemDrive%\\\\\\\\Users.*'", "true" },
        { "rlike", "SELECT 'abc' NOT RLIKE 'b'", "false" },
        { "div", "SELECT 3 div 2", "1" },
        { "div", "SELECT 1 + 7 DIV 2 * 3", "10" },
        { "lateral view explode", "SELECT id, c FROM VALUES (1, array(10, 20)) AS t(id, arr) LATERAL VIEW explode(arr) e AS c ORDER BY c", "1\t10\n1\t20" },
        { "lateral view outer", "SELECT id, c FROM VALUES (1, array(10)), (2, array()) AS t(id, arr) LATERAL VIEW OUTER explode(arr) e AS c ORDER BY id", "1\t10\n2\tNULL" },
        { "lateral view posexplode", "SELECT p, c FROM VALUES (array(10, 20)) AS t(arr) LATERAL VIEW posexplode(arr) e AS p, c ORDER BY p", "0\t10\n1\t20" },
    };

    [Theory]
    [MemberData(nameof(Idioms))]
    public void Run_SparkIdiom_GivesSparksDocumentedResult(string idiom, string sql, string expected)
    {
        string actual = this.database.Run(sql);

        Assert.True(expected == actual, $"{idiom}: expected {expected}, got {actual}");
    }

    public void Dispose() => this.database.Dispose();
}
