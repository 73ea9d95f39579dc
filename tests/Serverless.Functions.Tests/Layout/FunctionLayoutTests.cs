using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Invocations;
using Serverless.Functions.Tests.Support;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Layout;

/// <summary>host.json and every function.json: valid, with the bindings the app expects, and routes that exist.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionLayoutTests(AzuriteFixture azurite)
{
    public static TheoryData<string, string> Functions => new()
    {
        { FunctionNames.HttpApi, "httpTrigger" },
        { FunctionNames.Health, "httpTrigger" },
        { FunctionNames.Scheduler, "timerTrigger" },
        { FunctionNames.Maintenance, "timerTrigger" },
        { FunctionNames.ControlQueue, "queueTrigger" },
        { FunctionNames.WorkItemQueue, "queueTrigger" },
    };

    [Fact]
    public void HostJson_IsValid_CustomHandlerWithForwardingAndQueueSettingsForTheEngine()
    {
        var host = Parse(Path.Combine(RepositoryPaths.Functions, "host.json"));

        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Equal("Serverless.Functions", host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>());
        Assert.True(host["customHandler"]!["enableForwardingHttpRequest"]!.GetValue<bool>());
        var queues = host["extensions"]!["queues"]!;

        // The engine moves a message to {hub}-poison itself after 5 deliveries; the host must not do it first.
        Assert.True(queues["maxDequeueCount"]!.GetValue<int>() > 5);
        Assert.Equal("none", queues["messageEncoding"]!.GetValue<string>());
        Assert.True(TimeSpan.Parse(queues["maxPollingInterval"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) <= TimeSpan.FromSeconds(10));
        Assert.Equal("api", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
    }

    [Fact]
    public void FunctionFolders_AreExactlyTheKnownFunctions()
    {
        var folders = Directory.GetDirectories(RepositoryPaths.Functions).Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(Functions.Select(f => (string)f[0]).Order(StringComparer.Ordinal), folders);
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void FunctionJson_IsValid_WithTheTriggerType(string function, string triggerType)
    {
        var json = Parse(Path.Combine(RepositoryPaths.Functions, function, "function.json"));
        var trigger = json["bindings"]!.AsArray().Single(b => b!["direction"]!.GetValue<string>() == "in")!;

        Assert.Equal(triggerType, trigger["type"]!.GetValue<string>());
        switch (triggerType)
        {
            case "queueTrigger":
                Assert.Equal(InvocationEndpoints.QueueBindingName, trigger["name"]!.GetValue<string>());
                Assert.Equal(function == FunctionNames.ControlQueue ? "serverless-control" : "serverless-workitems", trigger["queueName"]!.GetValue<string>());
                Assert.Equal("AzureWebJobsStorage", trigger["connection"]!.GetValue<string>());
                break;
            case "timerTrigger":
                Assert.Equal(6, trigger["schedule"]!.GetValue<string>().Split(' ').Length);
                break;
            default:
                Assert.Equal(function == FunctionNames.Health ? "anonymous" : "function", trigger["authLevel"]!.GetValue<string>());
                Assert.Contains(json["bindings"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "http" && b["direction"]!.GetValue<string>() == "out");
                break;
        }
    }

    [Fact]
    public async Task DeclaredRoutes_ExistInTheApp()
    {
        await using var host = await TestHost.StartAsync(azurite, s => s.AddSingleton<IDagRunService>(new FakeDagRunService()), customHandler: true);

        // Health is anonymous in Azure, so it must answer without a key here too.
        var health = Parse(Path.Combine(RepositoryPaths.Functions, FunctionNames.Health, "function.json"))["bindings"]![0]!["route"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous.GetAsync("/api/" + health)).StatusCode);

        // The catch-all forwards every API path: each documented route must answer (not the 404 fallback).
        var paths = JsonNode.Parse(await host.Client.GetStringAsync("/api/openapi.json"))!["paths"]!.AsObject();
        foreach (var (path, operations) in paths)
        {
            foreach (var (method, _) in operations!.AsObject())
            {
                var concrete = path.Replace("{dagId}", "hello", StringComparison.Ordinal).Replace("{runId}", "no-such-run", StringComparison.Ordinal).Replace("{name}", "evt", StringComparison.Ordinal);
                using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), concrete));
                var body = await response.Content.ReadAsStringAsync();
                Assert.DoesNotContain("There is no route", body, StringComparison.Ordinal);
                Assert.NotEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            }
        }

        // Every non-HTTP function has an invocation endpoint (an empty invocation is refused by the handler, not 404).
        foreach (var function in new[] { FunctionNames.Scheduler, FunctionNames.Maintenance, FunctionNames.ControlQueue, FunctionNames.WorkItemQueue })
        {
            using var response = await host.Anonymous.PostAsync("/" + function, new StringContent("{\"Data\":{},\"Metadata\":{}}", System.Text.Encoding.UTF8, "application/json"));
            Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }
    }

    [Fact]
    public void LocalSettingsSample_IsValid_AndListsEverySetting()
    {
        var values = Parse(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json"))["Values"]!.AsObject();
        foreach (var name in new[]
        {
            "AzureWebJobsStorage", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__blobServiceUri",
            "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri", "FUNCTIONS_WORKER_RUNTIME", "Serverless__TaskHub",
            "Serverless__DagContainer", "Serverless__ApiKey", "Serverless__RetentionDays", "Spark__Backend", "Spark__DataContainer",
            "Spark__Local__MaxConcurrentJobs", "Spark__Local__MemoryLimit", "Spark__Local__TempDirectory", "Spark__Livy__Endpoint",
            "Spark__Livy__UserName", "Spark__Livy__Password", "Spark__Synapse__Endpoint", "Spark__Synapse__SparkPool",
            "Spark__Databricks__WorkspaceUrl", "Spark__Databricks__Token", "Spark__Databricks__ExistingClusterId",
            "Spark__Databricks__SparkVersion", "Spark__Databricks__NodeType", "Spark__Databricks__Workers",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "Serverless__MaxConcurrentActivities", "Serverless__MaxConcurrentOrchestrations",
        })
        {
            Assert.True(values.ContainsKey(name), $"local.settings.sample.json lacks {name}");
        }

        Assert.Equal("custom", values["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>());
    }

    private static JsonNode Parse(string path) => JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException(path + " is empty");
}
