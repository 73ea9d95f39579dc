using Serverless.Pipelines.Templating.Evaluation;

namespace Serverless.Pipelines.Tests.Templating.Evaluation;

public sealed class PythonDateFormatTests
{
    [Fact]
    public void ParseThenFormat_PythonDocsExample_GivesPythonsOutput()
    {
        // Python docs, datetime "Examples of Usage": datetime.strptime("21/11/06 16:30", "%d/%m/%y %H:%M") is
        // datetime(2006, 11, 21, 16, 30), and dt.strftime("%A, %d. %B %Y %I:%M%p") is 'Tuesday, 21. November 2006 04:30PM'.
        var parsed = PythonDateFormat.Parse("21/11/06 16:30", "%d/%m/%y %H:%M");

        Assert.Equal(new DateTime(2006, 11, 21, 16, 30, 0), parsed);
        Assert.Equal("Tuesday, 21. November 2006 04:30PM", PythonDateFormat.Format(parsed, null, "%A, %d. %B %Y %I:%M%p"));
    }

    [Theory]
    [InlineData("%j|%a|%b|%u|%w", "065|Tue|Mar|2|2")]
    [InlineData("%-d/%-m/%y", "5/3/24")]
    [InlineData("%z|%Z|%%", "+0100||%")]
    public void Format_Directives_AsStrftime(string format, string expected)
    {
        Assert.Equal(expected, PythonDateFormat.Format(new DateTime(2024, 3, 5, 7, 8, 9), TimeSpan.FromHours(1), format));
    }

    [Theory]
    [InlineData("2024-03-05x", "%Y-%m-%d", "unconverted data remains")]
    [InlineData("2024/03/05", "%Y-%m-%d", "does not match format")]
    [InlineData("2024-02-30", "%Y-%m-%d", "not a valid date")]
    [InlineData("2024", "%G", "not supported")]
    public void Parse_BadInput_SaysWhyAsPythonDoes(string text, string format, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => PythonDateFormat.Parse(text, format));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
