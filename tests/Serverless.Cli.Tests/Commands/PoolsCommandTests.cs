using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>pools list</c>: GET /api/pools as a table or as JSON.</summary>
public sealed class PoolsCommandTests
{
    private const string Pools = """
        {"pools":[
          {"name":"default_pool","slots":null,"occupied":0,"queued":0,"description":"unlimited","holders":[],"waiters":[]},
          {"name":"spark-large","slots":2,"occupied":2,"queued":1,"description":"the big cluster",
           "holders":[{"runId":"etl__manual-1","taskId":"join","mapIndex":null,"attempt":1,"slots":1},{"runId":"etl__manual-2","taskId":"load","mapIndex":3,"attempt":2,"slots":1}],
           "waiters":[{"runId":"etl__manual-3","taskId":"join","attempt":1,"slots":1,"priority":5}]}
        ]}
        """;

    [Fact]
    public async Task List_Table_ShowsSlotsOccupancyAndHolders()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/pools", (200, Pools));

        var result = await InProcessCli.RunAsync(host, "pools", "list");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var lines = result.Output.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains(lines, l => l.Contains("default_pool", StringComparison.Ordinal) && l.Contains("unlimited", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("spark-large", StringComparison.Ordinal) && l.Contains("etl__manual-1/join", StringComparison.Ordinal) && l.Contains("the big cluster", StringComparison.Ordinal));
        Assert.Contains("etl__manual-2/load[3]", result.Output.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("│", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Single(host.RequestsTo("GET", "/api/pools"));
    }

    [Fact]
    public async Task List_Json_PrintsThePoolsAsTheApiReturnsThem()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/pools", (200, Pools));

        var result = await InProcessCli.RunAsync(host, "pools", "list", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var pools = result.Json()["pools"]!.AsArray();
        Assert.Equal(["default_pool", "spark-large"], pools.Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal(2, pools[1]!["occupied"]!.GetValue<int>());
        Assert.Equal(5, pools[1]!["waiters"]![0]!["priority"]!.GetValue<int>());
    }
}
