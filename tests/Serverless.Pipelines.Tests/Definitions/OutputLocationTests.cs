using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Tests.Definitions;

public sealed class OutputLocationTests
{
    [Fact]
    public void DefaultFolder_PlainAndMapped_FollowsRunLayout()
    {
        Assert.Equal("data/flights-daily/scheduled-20010115T000000Z/origin-stats/stats/", OutputLocation.DefaultFolder("data", "flights-daily", "scheduled-20010115T000000Z", "origin-stats", "stats").ToString());
        Assert.Equal("data/stocks/manual-1/monthly-returns/returns/map_index=7/", OutputLocation.DefaultFolder("data", "stocks", "manual-1", "monthly-returns", "returns", 7).ToString());
    }
}
