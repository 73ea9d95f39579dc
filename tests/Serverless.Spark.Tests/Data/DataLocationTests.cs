using Serverless.Spark.Data;

namespace Serverless.Spark.Tests.Data;

public sealed class DataLocationTests
{
    [Theory]
    [InlineData("data/a/b.parquet", "data", "a/b.parquet", false)]
    [InlineData("data/a/b/", "data", "a/b/", true)]
    [InlineData("data", "data", "", true)]
    public void Parse_ValidLocation_SplitsContainerAndPath(string text, string container, string path, bool folder)
    {
        DataLocation location = DataLocation.Parse(text);
        Assert.Equal(container, location.Container);
        Assert.Equal(path, location.Path);
        Assert.Equal(folder, location.IsFolder);
    }

    [Theory]
    [InlineData("data/../x")]
    [InlineData("data/./x")]
    [InlineData("data\\x")]
    [InlineData("/data/x")]
    [InlineData("https://other.blob.core.windows.net/data/x")]
    [InlineData("data/x?sv=secret")]
    [InlineData("")]
    public void TryParse_Escape_IsRejected(string text) =>
        Assert.False(DataLocation.TryParse(text, new Uri("http://127.0.0.1:10000/devstoreaccount1"), out _, out _));

    [Fact]
    public void Parse_UrlUnderTheAccountEndpoint_BecomesRelative()
    {
        DataLocation location = DataLocation.Parse("http://127.0.0.1:10000/devstoreaccount1/data/x/y.csv", new Uri("http://127.0.0.1:10000/devstoreaccount1"));
        Assert.Equal("data/x/y.csv", location.ToString());
    }

    [Fact]
    public void OutputFolder_RunScopedLayout_IsDagRunTaskOutput()
    {
        DataLocation folder = RunDataLayout.OutputFolder("data", "sales", "2026-11-24T00", "aggregate", "by_day");
        Assert.Equal("data/sales/2026-11-24T00/aggregate/by_day/", folder.ToString());
        Assert.Throws<ArgumentException>(() => RunDataLayout.OutputFolder("data", "..", "r", "t", "o"));
        Assert.Throws<ArgumentException>(() => RunDataLayout.OutputFolder("data", "d", "r/x", "t", "o"));
    }
}
