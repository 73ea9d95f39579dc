using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests.DeployScript;

/// <summary>
/// deploy.sh end to end on a real `dotnet publish` of functions/Serverless.Functions, with stand-ins only for the
/// tools that would reach Azure (az, azd, curl): the package Flex Consumption receives is the one users get.
/// </summary>
public sealed class DeployScriptPublishTests : IDisposable
{
    private readonly DeployScriptRun sandbox = new("az", "azd", "curl");

    [Fact]
    public async Task Deploy_RealPublishOutput_ShipsAnIsolatedWorkerPackageTheDagTreeAndTheData()
    {
        var run = await this.sandbox.RunAsync(
            DeployScriptRun.Outputs(),
            "-g", DeployScriptRun.ResourceGroup, "--dags", this.sandbox.DagFolder,
            "--with-data", "--data", this.sandbox.DataFolder, "--unpause", "hello");
        DeployScriptRun.AssertSucceeded(run);

        IReadOnlyList<string> entries = this.sandbox.DeployedEntries();
        Assert.Contains("functions.metadata", entries);
        Assert.Contains("worker.config.json", entries);
        Assert.Contains("host.json", entries);
        Assert.Contains("Serverless.Functions.dll", entries);
        // The host-side extensions the worker SDK restored: Durable Functions must be among them.
        Assert.Contains(entries, e => e.StartsWith(".azurefunctions/", StringComparison.Ordinal) && e.Contains("DurableTask", StringComparison.Ordinal));

        // The function index names at least an HTTP trigger, a timer trigger and an orchestration trigger.
        var bindingTypes = JsonNode.Parse(this.sandbox.DeployedText("functions.metadata"))!.AsArray()
            .SelectMany(f => f!["bindings"]!.AsArray())
            .Select(b => ((string)b!["type"]!).ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("httptrigger", bindingTypes);
        Assert.Contains("timertrigger", bindingTypes);
        Assert.Contains("orchestrationtrigger", bindingTypes);

        // The worker starts the app's own assembly, and the host runs Durable Functions under the configured hub.
        JsonNode worker = JsonNode.Parse(this.sandbox.DeployedText("worker.config.json"))!;
        Assert.Equal("Serverless.Functions.dll", (string?)worker["description"]!["defaultWorkerPath"]);
        JsonNode host = JsonNode.Parse(this.sandbox.DeployedText("host.json"))!;
        Assert.Equal("2.0", (string?)host["version"]);
        Assert.NotNull(host["extensions"]?["durableTask"]);

        // Nothing of a custom handler is left in the package.
        Assert.DoesNotContain(entries, e => e.EndsWith("function.json", StringComparison.Ordinal));
        Assert.Null(host["customHandler"]);

        Assert.Equal(DeployScriptRun.DagBlobs, this.sandbox.Blobs("dags"));
        Assert.Equal("id: daily\n", this.sandbox.BlobText("dags", "team-a/daily.yml"));
        Assert.Equal(DeployScriptRun.SampleFiles.Select(f => "samples/" + f).Order(StringComparer.Ordinal), this.sandbox.Blobs("data"));
        DeployScriptRunTests.AssertSummary(run.Result.StandardOutput);
    }

    public void Dispose() => this.sandbox.Dispose();
}
