using System.Text.Json.Nodes;
using Serverless.Functions.Functions;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Layout;

/// <summary>
/// The Worker SDK's generated functions.metadata (what the Functions host reads) and host.json: every function with
/// its trigger, route, methods, auth level and schedule, as the app and the local host expect them.
/// </summary>
public sealed class FunctionsMetadataTests
{
    public static TheoryData<string, string, string, string> HttpFunctions => new()
    {
        { FunctionNames.TriggerRun, "api/dags/{dagId}/runs", "post", "Anonymous" },
        { FunctionNames.GetRun, "api/runs/{runId}", "get", "Anonymous" },
        { FunctionNames.ListRuns, "api/runs", "get", "Anonymous" },
        { FunctionNames.ListTaskInstances, "api/task-instances", "get", "Anonymous" },
        { FunctionNames.TerminateRun, "api/runs/{runId}/terminate", "post", "Anonymous" },
        { FunctionNames.RaiseEvent, "api/runs/{runId}/events/{name}", "post", "Anonymous" },
        { FunctionNames.RerunRun, "api/runs/{runId}/rerun", "post", "Anonymous" },
        { FunctionNames.PurgeRun, "api/runs/{runId}", "delete", "Anonymous" },
        { FunctionNames.MarkRun, "api/runs/{runId}/mark", "post", "Anonymous" },
        { FunctionNames.ListDeadLetters, "api/notifications/dead-letters", "get", "Anonymous" },
        { FunctionNames.ListPools, "api/pools", "get", "Anonymous" },
        { FunctionNames.GetRunManifest, "api/runs/{runId}/manifest", "get", "Anonymous" },
        { FunctionNames.GetTaskLog, "api/runs/{runId}/tasks/{taskId}/logs", "get", "Anonymous" },
        { FunctionNames.ListDags, "api/dags", "get", "Anonymous" },
        { FunctionNames.ValidateDag, "api/dags/validate", "post", "Anonymous" },
        { FunctionNames.RefreshDags, "api/dags/refresh", "post", "Anonymous" },
        { FunctionNames.GetDag, "api/dags/{dagId}", "get", "Anonymous" },
        { FunctionNames.BackfillDag, "api/dags/{dagId}/backfill", "post", "Anonymous" },
        { FunctionNames.PauseDag, "api/dags/{dagId}/pause", "post", "Anonymous" },
        { FunctionNames.UnpauseDag, "api/dags/{dagId}/unpause", "post", "Anonymous" },
        { FunctionNames.Health, "api/health", "get", "Anonymous" },
        { FunctionNames.OpenApi, "api/openapi.json", "get", "Anonymous" },
        { FunctionNames.ApiNotFound, "api/{*path}", "get,post,put,patch,delete", "Anonymous" },
        { FunctionNames.Dashboard, "{*path}", "get", "Anonymous" },
    };

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void Metadata_HttpFunction_HasRouteMethodsAndAuthLevel(string name, string route, string methods, string authLevel)
    {
        var trigger = Trigger(name, "httpTrigger");

        Assert.Equal(route, trigger["route"]!.GetValue<string>());
        Assert.Equal(methods.Split(','), trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()));
        Assert.Equal(authLevel, trigger["authLevel"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(FunctionNames.Scheduler, "0 * * * * *")]
    [InlineData(FunctionNames.Maintenance, "0 0 3 * * *")]
    public void Metadata_TimerFunction_HasNcrontabSchedule(string name, string schedule)
    {
        Assert.Equal(schedule, Trigger(name, "timerTrigger")["schedule"]!.GetValue<string>());
    }

    public static TheoryData<string, string> DurableFunctions => new()
    {
        { "DagRunOrchestrator", "orchestrationTrigger" },
        { "DagBackfillOrchestrator", "orchestrationTrigger" },
        { "StartTaskJob", "activityTrigger" },
        { "StartTaskJobs", "activityTrigger" },
        { "CheckBlobExists", "activityTrigger" },
        { "ReadTaskRows", "activityTrigger" },
        { "WriteRunManifest", "activityTrigger" },
        { "DeliverNotification", "activityTrigger" },
        { "RecordNotificationDeadLetter", "activityTrigger" },
        { "SubmitSparkJob", "activityTrigger" },
        { "GetSparkJobStatus", "activityTrigger" },
        { "CancelSparkJob", "activityTrigger" },
        { "AppendTaskLog", "activityTrigger" },
    };

    [Theory]
    [MemberData(nameof(DurableFunctions))]
    public void Metadata_OrchestratorsAndActivities_HaveTheirDurableTrigger(string name, string trigger)
    {
        // The Durable extension dispatches work items only to functions it finds in the metadata.
        Assert.NotNull(Trigger(name, trigger));
    }

    [Fact]
    public void Metadata_EveryFunction_IsListedOnceAndNothingElse()
    {
        var names = Functions().Select(f => f["name"]!.GetValue<string>()).ToList();
        var expected = HttpFunctions.Select(row => (string)row[0])
            .Concat([FunctionNames.Scheduler, FunctionNames.Maintenance])
            .Concat(DurableFunctions.Select(row => (string)row[0]));

        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void HostJson_RoutePrefixEmptyAndDurableTaskOnAzureStorageWithHubFromSetting()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(OutputFolder, "host.json")))!;
        var durable = host["extensions"]!["durableTask"]!;

        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Equal(string.Empty, host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        Assert.Equal("%Serverless__TaskHub%", durable["hubName"]!.GetValue<string>());
        Assert.Equal("AzureStorage", durable["storageProvider"]!["type"]!.GetValue<string>());
        Assert.Null(host["customHandler"]);
    }

    private static string OutputFolder => Path.Combine(RepositoryPaths.Functions, "Serverless.Functions", "bin", "Release", "net10.0");

    private static List<JsonNode> Functions() =>
        [.. JsonNode.Parse(File.ReadAllText(Path.Combine(OutputFolder, "functions.metadata")))!.AsArray().Select(f => f!)];

    private static JsonNode Trigger(string name, string type)
    {
        var function = Functions().Single(f => f["name"]!.GetValue<string>() == name);
        return function["bindings"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == type)!;
    }
}
