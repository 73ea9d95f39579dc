using Serverless.Spark.Jobs;

namespace Serverless.Spark.Tests.Jobs;

public sealed class SparkJobSpecValidatorTests
{
    private static readonly Uri Account = new("https://acct.blob.core.windows.net/");
    private readonly SparkJobSpecValidator validator = new("data", Account);

    private static SparkJobSpec ValidSql() => new("daily-report", SparkJobKind.Sql)
    {
        Inputs = [new SparkJobInput("flights", "data/samples/flights.parquet", SparkDataFormat.Parquet)],
        Sql = "SELECT origin, count(*) AS n FROM flights GROUP BY origin",
        Outputs = [new SparkJobOutput("by_origin", "data/dag/run1/task/by_origin/", SparkDataFormat.Parquet)],
    };

    private IReadOnlyList<string> Errors(SparkJobSpec spec, params SparkJobKind[] supported) =>
        this.validator.Validate(spec, "local", supported.Length == 0 ? null : supported);

    [Fact]
    public void Validate_ValidSqlSpec_ReturnsNoErrors() => Assert.Empty(this.Errors(ValidSql(), SparkJobKind.Sql));

    [Fact]
    public void Validate_AbsoluteUrlOfTheSameAccount_IsAccepted()
    {
        SparkJobSpec spec = ValidSql() with { Inputs = [new SparkJobInput("f", "https://acct.blob.core.windows.net/data/x.parquet", SparkDataFormat.Parquet)] };
        Assert.Empty(this.Errors(spec));
    }

    public static TheoryData<string, SparkJobSpec, string> SingleErrors => new()
    {
        { "bad name", ValidSql() with { Name = "no spaces allowed" }, "name 'no spaces allowed' is invalid" },
        { "unknown kind", ValidSql() with { Kind = "hive" }, "kind 'hive' is unknown" },
        { "missing sql", ValidSql() with { Sql = " " }, "sql is missing" },
        { "no outputs", ValidSql() with { Outputs = [] }, "outputs are missing" },
        {
            "two outputs without table",
            ValidSql() with { Outputs = [new("a", "data/x/a/", SparkDataFormat.Csv), new("b", "data/x/b/", SparkDataFormat.Csv)] },
            "only one output may omit 'table'"
        },
        { "input name not identifier", ValidSql() with { Inputs = [new("1flights", "data/f.parquet", SparkDataFormat.Parquet)] }, "name '1flights' is not an identifier" },
        {
            "duplicate input names",
            ValidSql() with { Inputs = [new("f", "data/a.parquet", SparkDataFormat.Parquet), new("F", "data/b.parquet", SparkDataFormat.Parquet)] },
            "name 'F' is used twice"
        },
        { "unknown input format", ValidSql() with { Inputs = [new("f", "data/a.avro", "avro")] }, "format 'avro' is unknown" },
        { "dot-dot escape", ValidSql() with { Inputs = [new("f", "data/../secrets/a.parquet", SparkDataFormat.Parquet)] }, "contains a '..' segment" },
        { "other account", ValidSql() with { Inputs = [new("f", "https://evil.blob.core.windows.net/data/a.parquet", SparkDataFormat.Parquet)] }, "absolute URL outside the configured storage account" },
        { "backslash", ValidSql() with { Inputs = [new("f", "data\\a.parquet", SparkDataFormat.Parquet)] }, "contains a backslash" },
        { "leading slash", ValidSql() with { Inputs = [new("f", "/data/a.parquet", SparkDataFormat.Parquet)] }, "starts with '/'" },
        { "encoded escape", ValidSql() with { Inputs = [new("f", "data/%2e%2e/a.parquet", SparkDataFormat.Parquet)] }, "contains '?', '#', '%'" },
        { "bad container", ValidSql() with { Inputs = [new("f", "Data_Set/a.parquet", SparkDataFormat.Parquet)] }, "is not a valid container name" },
        { "empty segment", ValidSql() with { Inputs = [new("f", "data/a//b.parquet", SparkDataFormat.Parquet)] }, "contains an empty segment" },
        { "output outside data container", ValidSql() with { Outputs = [new("o", "other/x/", SparkDataFormat.Parquet)] }, "is outside the data container 'data'" },
        { "output is whole container", ValidSql() with { Outputs = [new("o", "data/", SparkDataFormat.Parquet)] }, "is the whole container" },
        { "unknown output format", ValidSql() with { Outputs = [new("o", "data/x/", "orc")] }, "format 'orc' is unknown" },
        { "unknown mode", ValidSql() with { Outputs = [new("o", "data/x/", SparkDataFormat.Csv) { Mode = "append" }] }, "mode 'append' is unknown" },
        { "table not identifier", ValidSql() with { Outputs = [new("o", "data/x/", SparkDataFormat.Csv) { Table = "a-b" }] }, "table 'a-b' is not an identifier" },
        { "duplicate output names", ValidSql() with { Outputs = [new("o", "data/x/", SparkDataFormat.Csv), new("O", "data/y/", SparkDataFormat.Csv) { Table = "t" }] }, "name 'O' is used twice" },
        { "empty conf key", ValidSql() with { Conf = new Dictionary<string, string> { [" "] = "1" } }, "conf: key ' ' is empty" },
        { "negative resources", ValidSql() with { Resources = new SparkJobResources { Executors = 0 } }, "resources: cores and executor counts must be positive" },
        { "pyspark without file", new SparkJobSpec("p", SparkJobKind.PySpark), "file is missing" },
        { "jar without class", new SparkJobSpec("j", SparkJobKind.Jar) { File = "data/jars/app.jar" }, "className is missing" },
        { "file escapes", new SparkJobSpec("p", SparkJobKind.PySpark) { File = "scripts/../x.py" }, "contains a '..' segment" },
        { "file is a folder", new SparkJobSpec("p", SparkJobKind.PySpark) { File = "scripts/dir/" }, "names a folder, not a file" },
        { "cluster uri with dot-dot", new SparkJobSpec("p", SparkJobKind.PySpark) { File = "abfss://c@acct.dfs.core.windows.net/a/../b.py" }, "contains a '..' segment" },
        { "bad jar", new SparkJobSpec("p", SparkJobKind.PySpark) { File = "scripts/a.py", Jars = ["\\x.jar"] }, "jars:" },
    };

    [Theory]
    [MemberData(nameof(SingleErrors))]
    public void Validate_OneProblem_ReportsExactlyThatError(string problem, SparkJobSpec spec, string expected)
    {
        IReadOnlyList<string> errors = this.Errors(spec);
        string error = Assert.Single(errors);
        Assert.True(error.Contains(expected, StringComparison.Ordinal), $"{problem}: '{error}' does not contain '{expected}'");
    }

    [Fact]
    public void Validate_KindTheBackendCannotRun_SaysSoAndNamesTheBackend()
    {
        var spec = new SparkJobSpec("p", SparkJobKind.PySpark) { File = "scripts/a.py" };
        string error = Assert.Single(this.Errors(spec, SparkJobKind.Sql));
        Assert.Contains("kind 'pyspark' cannot run on the 'local' backend", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryErrorAtOnce()
    {
        var spec = new SparkJobSpec("bad name", "hive")
        {
            Inputs = [new("1x", "data/../a", "avro"), new("ok", "https://evil.example/a", SparkDataFormat.Csv)],
            Outputs = [new("o", "elsewhere/x/", "orc") { Mode = "append" }],
        };

        IReadOnlyList<string> errors = this.Errors(spec);

        Assert.Equal(9, errors.Count);
        var thrown = Assert.Throws<SparkJobValidationException>(() => this.validator.ThrowIfInvalid(spec));
        Assert.Equal(errors, thrown.Errors);
    }

    [Fact]
    public void ToJson_RoundTrip_KeepsEveryField()
    {
        SparkJobSpec spec = ValidSql() with
        {
            Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "8" },
            Resources = new SparkJobResources { DriverMemory = "4g", Executors = 3 },
            Args = ["a", "b"],
        };

        string json = spec.ToJson();
        SparkJobSpec back = SparkJobSpec.FromJson(json);

        Assert.Contains("\"kind\":\"sql\"", json, StringComparison.Ordinal);
        Assert.Contains("\"format\":\"parquet\"", json, StringComparison.Ordinal);
        Assert.Contains("\"mode\":\"overwrite\"", json, StringComparison.Ordinal);
        Assert.Equal(spec.Name, back.Name);
        Assert.Equal(spec.Kind, back.Kind);
        Assert.Equal(spec.Sql, back.Sql);
        Assert.Equal(spec.Inputs, back.Inputs.Select(i => i with { Options = spec.Inputs[0].Options }));
        Assert.Equal("8", back.Conf["spark.sql.shuffle.partitions"]);
        Assert.Equal(spec.Resources, back.Resources);
        Assert.Equal(spec.Args, back.Args);
        Assert.Equal(SparkWriteMode.Overwrite, back.Outputs[0].Mode);
    }

    [Fact]
    public void FromJson_UnknownFormat_SurvivesAndIsReportedByValidation()
    {
        const string json = """{"name":"x","kind":"sql","sql":"select 1","inputs":[{"name":"a","location":"data/a","format":"avro"}],"outputs":[{"name":"o","location":"data/o/","format":"csv"}]}""";
        SparkJobSpec spec = SparkJobSpec.FromJson(json);
        Assert.Contains(this.Errors(spec), e => e.Contains("format 'avro' is unknown", StringComparison.Ordinal));
    }
}
