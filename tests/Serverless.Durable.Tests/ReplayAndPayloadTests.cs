using System.Security.Cryptography;
using System.Text;
using Serverless.Durable.Replay;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ReplayAndPayloadTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Replay_CodeChangedMidRun_FailsWithNonDeterminismNamingBothActions()
    {
        bool changed = false;
        await using TestEngine engine = await TestEngine.StartAsync(
            azurite,
            r => r
                .AddActivityFunc<object?, string>("Original", (_, _) => Task.FromResult("o"))
                .AddActivityFunc<object?, string>("Replacement", (_, _) => Task.FromResult("r"))
                .AddOrchestratorFunc<object?, string>("Changing", async (ctx, _) =>
                {
                    string first = await ctx.CallActivityAsync<string>(Volatile.Read(ref changed) ? "Replacement" : "Original");
                    string go = await ctx.WaitForExternalEvent<string>("go");
                    return first + go;
                }),
            o => o.ExecutorCacheSize = 0);

        string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Changing");
        await Poll.UntilAsync(
            async () => (await engine.Client.GetHistoryAsync(id)).OfType<History.TaskCompletedEvent>().Any(),
            TimeSpan.FromSeconds(30),
            "the first activity to complete");
        Volatile.Write(ref changed, true);
        await engine.Client.RaiseEventAsync(id, "go", "!");
        var result = await engine.Client.WaitForInstanceCompletionAsync(id, true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, result.FailureDetails!.ErrorType);
        Assert.Contains("activity 'Original'", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("activity 'Replacement'", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LargePayloads_TenMegabyteActivityResult_RoundTripsThroughBlobs()
    {
        const int size = 10 * 1024 * 1024;
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddActivityFunc<int, string>("Big", (_, n) => Task.FromResult(new string('x', n - 8) + "12345678"))
            .AddOrchestratorFunc<int, string>("BigResult", async (ctx, n) =>
            {
                string big = await ctx.CallActivityAsync<string>("Big", n);
                string echoed = await ctx.CallActivityAsync<string>("Big", big.Length);
                return echoed;
            }));

        var result = await engine.RunAsync("BigResult", size, TimeSpan.FromSeconds(120));

        string output = result.ReadOutputAs<string>()!;
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(size, output.Length);
        string expected = new string('x', size - 8) + "12345678";
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(output)));
    }

    [Fact]
    public async Task LargePayloads_LargeInput_IsReadByOrchestratorAndClient()
    {
        string input = string.Concat(Enumerable.Range(0, 20_000).Select(i => i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)));
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddActivityFunc<string, int>("Length", (_, s) => Task.FromResult(s.Length))
            .AddOrchestratorFunc<string, int>("Measure", (ctx, s) => ctx.CallActivityAsync<int>("Length", s)));

        var result = await engine.RunAsync("Measure", input);

        Assert.Equal(100_000, result.ReadOutputAs<int>());
        Assert.Equal(input, result.ReadInputAs<string>());
    }
}
