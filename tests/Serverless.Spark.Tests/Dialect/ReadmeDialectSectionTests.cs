using System.Text.RegularExpressions;
using Serverless.Spark.Dialect;
using Serverless.Spark.Tests.Support;

namespace Serverless.Spark.Tests.Dialect;

/// <summary>The README's dialect section stays true to the catalog: it lists exactly the supported functions.</summary>
public sealed partial class ReadmeDialectSectionTests
{
    [Fact]
    public void Readme_SupportedFunctions_AreExactlyTheCatalogs()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "README.md"));
        Match list = SupportedList().Match(readme);

        Assert.True(list.Success, "the README has no 'Supported functions (n):' list in the dialect section");
        string[] listed = [.. Regex.Matches(list.Groups[2].Value, "`([a-z_0-9]+)`").Select(m => m.Groups[1].Value)];
        Assert.Equal(SparkSqlDialect.SupportedFunctions, listed);
        Assert.Equal(SparkSqlDialect.SupportedFunctions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), list.Groups[1].Value);
    }

    [GeneratedRegex(@"Supported functions \((\d+)\): (.*?)\.\n", RegexOptions.Singleline)]
    private static partial Regex SupportedList();
}
