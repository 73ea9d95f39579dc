using Serverless.Durable.Storage;

namespace Serverless.Durable.Tests;

public sealed class TaskHubResourceNamesTests
{
    [Theory]
    [InlineData("ab")]
    [InlineData("Serverless")]
    [InlineData("1hub")]
    [InlineData("hub-name")]
    [InlineData("")]
    public void Constructor_InvalidName_ThrowsWithReason(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new TaskHubResourceNames(name));
        Assert.Contains("lowercase letters and digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_ForHub_FollowTheDocumentedLayout()
    {
        var names = new TaskHubResourceNames("pipelines");
        Assert.Equal(["pipelinesHistory", "pipelinesInstances"], names.Tables);
        Assert.Equal(["pipelines-control", "pipelines-workitems", "pipelines-poison"], names.Queues);
        Assert.Equal(["pipelines-payloads"], names.Containers);
    }
}
