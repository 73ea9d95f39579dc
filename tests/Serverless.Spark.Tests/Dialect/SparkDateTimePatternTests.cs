using Serverless.Spark.Dialect;

namespace Serverless.Spark.Tests.Dialect;

/// <summary>
/// One test per Spark datetime pattern letter: the converted strftime pattern, and what date_format gives for
/// 2016-04-08 13:08:05.123456 (a Friday, day 99), as Spark documents each letter's output in its datetime pattern
/// reference.
/// </summary>
public sealed class SparkDateTimePatternTests : IDisposable
{
    private const string Timestamp = "TIMESTAMP '2016-04-08 13:08:05.123456'";
    private readonly DialectDatabase database = new();

    public static TheoryData<string, string, string> FormatLetters => new()
    {
        { "yyyy", "%Y", "2016" },
        { "y", "%Y", "2016" },
        { "yy", "%y", "16" },
        { "M", "%-m", "4" },
        { "MM", "%m", "04" },
        { "MMM", "%b", "Apr" },
        { "MMMM", "%B", "April" },
        { "LL", "%m", "04" },
        { "d", "%-d", "8" },
        { "dd", "%d", "08" },
        { "D", "%-j", "99" },
        { "DDD", "%j", "099" },
        { "E", "%a", "Fri" },
        { "EEE", "%a", "Fri" },
        { "EEEE", "%A", "Friday" },
        { "a", "%p", "PM" },
        { "h", "%-I", "1" },
        { "hh", "%I", "01" },
        { "H", "%-H", "13" },
        { "HH", "%H", "13" },
        { "m", "%-M", "8" },
        { "mm", "%M", "08" },
        { "s", "%-S", "5" },
        { "ss", "%S", "05" },
        { "SSS", "%g", "123" },
        { "SSSSSS", "%f", "123456" },
        { "yyyy-MM-dd HH:mm:ss", "%Y-%m-%d %H:%M:%S", "2016-04-08 13:08:05" },
        { "dd.MM.yyyy", "%d.%m.%Y", "08.04.2016" },
        { "EEE, MMM d yyyy", "%a, %b %-d %Y", "Fri, Apr 8 2016" },
        { "yyyy-MM-dd'T'HH:mm", "%Y-%m-%dT%H:%M", "2016-04-08T13:08" },
        { "'week' ''yy", "week '%y", "week '16" },
        { "100%", "100%%", "100%" },
    };

    [Theory]
    [MemberData(nameof(FormatLetters))]
    public void Convert_FormatPattern_GivesStrftimeAndSparksOutput(string pattern, string strftime, string expected)
    {
        string? converted = SparkDateTimePattern.Convert(pattern, parsing: false, out string? error);
        string actual = this.database.Run($"SELECT date_format({Timestamp}, '{pattern.Replace("'", "\\'", StringComparison.Ordinal)}')");

        Assert.Null(error);
        Assert.Equal(strftime, converted);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("yyyy-MM-dd", "2016-04-08", "2016-04-08 00:00:00")]
    [InlineData("dd/MM/yyyy HH:mm", "08/04/2016 13:08", "2016-04-08 13:08:00")]
    [InlineData("d-M-yy", "8-4-16", "2016-04-08 00:00:00")]
    [InlineData("MMM d, yyyy", "Apr 8, 2016", "2016-04-08 00:00:00")]
    [InlineData("yyyy-MM-dd HH:mm:ss.SSS", "2016-04-08 13:08:05.123", "2016-04-08 13:08:05.123")]
    public void ToTimestamp_ParsePattern_ReadsTheText(string pattern, string text, string expected)
    {
        string actual = this.database.Run($"SELECT to_timestamp('{text}', '{pattern}')");

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ToDate_TextNotMatchingThePattern_IsNullAsInSpark()
    {
        Assert.Equal("NULL", this.database.Run("SELECT to_date('2016/04/08', 'yyyy-MM-dd')"));
    }

    [Theory]
    [InlineData("G")]
    [InlineData("Q")]
    [InlineData("z")]
    [InlineData("Z")]
    [InlineData("XXX")]
    [InlineData("VV")]
    [InlineData("w")]
    [InlineData("u")]
    [InlineData("k")]
    [InlineData("K")]
    [InlineData("S")]
    [InlineData("MMMMM")]
    [InlineData("[yyyy]")]
    [InlineData("'open")]
    public void Convert_LetterWithoutExactStrftime_IsRefused(string pattern)
    {
        string? converted = SparkDateTimePattern.Convert(pattern, parsing: false, out string? error);

        Assert.Null(converted);
        Assert.NotNull(error);
    }

    [Fact]
    public void Check_UnsupportedPatternLetter_NamesThePatternAndLine()
    {
        IReadOnlyList<SparkSqlProblem> problems = SparkSqlDialect.Check("SELECT 1;\nSELECT date_format(ts, 'yyyy QQ') FROM t");

        SparkSqlProblem problem = Assert.Single(problems);
        Assert.Equal(2, problem.Line);
        Assert.Contains("'QQ'", problem.Message, StringComparison.Ordinal);
    }

    public void Dispose() => this.database.Dispose();
}
