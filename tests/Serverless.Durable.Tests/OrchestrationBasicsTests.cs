using Serverless.Testing;

namespace Serverless.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class OrchestrationBasicsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CallActivityAsync_Chain_ReturnsEachResultInOrder()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddActivityFunc<string, string>("Greet", (_, name) => Task.FromResult($"Hello {name}"))
            .AddOrchestratorFunc<string[], List<string>>("Greetings", async (ctx, names) =>
            {
                var results = new List<string>();
                foreach (string name in names)
                {
                    results.Add(await ctx.CallActivityAsync<string>("Greet", name));
                }

                return results;
            }));

        var result = await engine.RunAsync("Greetings", new[] { "Tokyo", "Seattle", "London" });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(["Hello Tokyo", "Hello Seattle", "Hello London"], result.ReadOutputAs<List<string>>()!);
        Assert.Equal(["Tokyo", "Seattle", "London"], result.ReadInputAs<string[]>()!);
    }

    [Fact]
    public async Task CallActivityAsync_FanOut_SumsAllResults()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddActivityFunc<int, int>("Square", (_, x) => Task.FromResult(x * x))
            .AddOrchestratorFunc<int, int>("SumOfSquares", async (ctx, n) =>
            {
                int[] squares = await Task.WhenAll(Enumerable.Range(1, n).Select(i => ctx.CallActivityAsync<int>("Square", i)));
                return squares.Sum();
            }));

        var result = await engine.RunAsync("SumOfSquares", 50);

        int expected = 0;
        for (int i = 1; i <= 50; i++)
        {
            expected += i * i;
        }

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(expected, result.ReadOutputAs<int>());
    }
}
