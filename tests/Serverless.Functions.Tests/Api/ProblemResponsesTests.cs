using Grpc.Core;
using Serverless.Functions.Api;

namespace Serverless.Functions.Tests.Api;

/// <summary>Which failures are the caller's (4xx), which a passing outage (503), and which server faults (500).</summary>
public sealed class ProblemResponsesTests
{
    [Fact]
    public void Map_DurableEngineUnavailable_Is503()
    {
        var problem = ProblemResponses.Map(new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel.")));

        Assert.NotNull(problem);
        Assert.Equal(503, problem.Value.Status);
        Assert.Contains("Retry", problem.Value.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.Unknown)]
    public void Map_OtherEngineErrors_AreServerFaults(StatusCode code) =>
        Assert.Null(ProblemResponses.Map(new RpcException(new Status(code, "boom"))));
}
