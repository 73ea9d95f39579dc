using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Functions;
using Serverless.Functions.Tests.Support;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Api;

/// <summary>Real runs through the HTTP API of the local host: the DAG layer, Durable Task on DurableTask.AzureStorage, and the local Spark backend.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RealRunTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly DirectoryInfo dags = Directory.CreateTempSubdirectory("fn-dags-");
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        File.Copy(Path.Combine(RepositoryPaths.Root, "orchestrations", "dags", "hello.yaml"), Path.Combine(this.dags.FullName, "hello.yaml"));
        var start = DateTimeOffset.UtcNow.AddMinutes(-4);
        var startText = start.ToString("yyyy-MM-dd'T'HH:mm:00'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(this.dags.FullName, "minutely.yaml"), $"id: minutely\nschedule: '* * * * *'\nstartDate: {startText}\ncatchup: false\ntasks:\n  - id: a\n    kind: sql\n    sql: SELECT 1 AS one\n    outputs: [result]\n");
        await File.WriteAllTextAsync(Path.Combine(this.dags.FullName, "minutely-catchup.yaml"), $"id: minutely-catchup\nschedule: '* * * * *'\nstartDate: {startText}\ncatchup: true\nmaxActiveRuns: 16\ntasks:\n  - id: a\n    kind: sql\n    sql: SELECT 1 AS one\n    outputs: [result]\n");
        await File.WriteAllTextAsync(Path.Combine(this.dags.FullName, "gated.yaml"), "id: gated\ntasks:\n  - id: wait\n    kind: sensor\n    sensor: { type: external_event, eventName: never, timeout: 5m }\n  - id: after\n    kind: sql\n    dependsOn: [wait]\n    sql: SELECT 1 AS one\n    outputs: [result]\n");
        this.host = await TestHost.StartAsync(azurite, extra: new Dictionary<string, string?>
        {
            ["Serverless:DagFolder"] = this.dags.FullName,
            ["Spark:DataContainer"] = AzuriteFixture.UniqueName("data"),

            // The test calls the scheduler function itself; its own minute timer may tick too, which is one more racer.
            ["Serverless:Scheduler"] = "true",

            // New DAGs start paused by default; these test the scheduler, so the host setting turns that off.
            ["Serverless:DagsArePausedAtCreation"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await this.host.DisposeAsync();
        this.dags.Delete(recursive: true);
    }

    [Fact]
    public async Task MarkRunningSensorSuccess_OverHttp_RunGoesOnAndTheTrailNamesTheCaller()
    {
        var trigger = await this.host.Client.PostAsync("/api/dags/gated/runs", new StringContent("{}", Encoding.UTF8, "application/json"));
        var runId = JsonNode.Parse(await trigger.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await Poll.UntilAsync(
            async () => JsonNode.Parse(await this.host.Client.GetStringAsync($"/api/runs/{runId}"))!["tasks"]?.AsArray().Any(t => t!["id"]!.GetValue<string>() == "wait" && t["state"]!.GetValue<string>() == "running") == true,
            TimeSpan.FromSeconds(60),
            "the sensor to be waiting");

        var marked = await this.host.Client.PostAsync($"/api/runs/{runId}/mark", new StringContent("""{ "state": "success", "task": "wait" }""", Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await marked.Content.ReadAsStringAsync())!;
        var final = await Poll.UntilAsync(
            async () => JsonNode.Parse(await this.host.Client.GetStringAsync($"/api/runs/{runId}"))!,
            r => r["state"]!.GetValue<string>() is "success" or "failed",
            TimeSpan.FromSeconds(60),
            "the run to go on and end");

        Assert.Equal(HttpStatusCode.OK, marked.StatusCode);
        Assert.Equal("success", body["tasks"]!.AsArray().Single(t => t!["id"]!.GetValue<string>() == "wait")!["state"]!.GetValue<string>());
        Assert.Equal("success", final["state"]!.GetValue<string>());
        Assert.Equal(["success", "success"], final["tasks"]!.AsArray().Select(t => t!["state"]!.GetValue<string>()));
        Assert.Equal("key:default", final["tasks"]![0]!["markedBy"]!.GetValue<string>());
        Assert.Equal([("trigger", "key:default"), ("mark", "key:default")], final["audit"]!.AsArray().Select(e => (e!["action"]!.GetValue<string>(), e["by"]!.GetValue<string>())));
    }

    [Fact]
    public async Task TriggerHello_PollsAcceptedThenOk_OutputWrittenWhereTheRunSays()
    {
        var trigger = await this.host.Client.PostAsync("/api/dags/hello/runs", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, trigger.StatusCode);
        var location = trigger.Headers.Location!;

        var statuses = new List<HttpStatusCode>();
        var final = await Poll.UntilAsync(
            async () =>
            {
                var response = await this.host.Client.GetAsync(location);
                statuses.Add(response.StatusCode);
                return (response.StatusCode, Body: JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
            },
            r => r.StatusCode != HttpStatusCode.Accepted,
            TimeSpan.FromSeconds(60),
            "the hello run to finish");

        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, statuses[0]);
        Assert.True(final.Body["state"]!.GetValue<string>() == "success", final.Body.ToJsonString());
        var task = Assert.Single(final.Body["tasks"]!.AsArray())!;
        Assert.Equal("square", task["id"]!.GetValue<string>());
        var location13 = task["outputs"]!["result"]!.GetValue<string>();
        var slash = location13.IndexOf('/', StringComparison.Ordinal);
        var container = azurite.CreateAccount().Blobs.GetBlobContainerClient(location13[..slash]);
        var parquet = new List<long>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, location13[(slash + 1)..], default))
        {
            if (blob.Name.EndsWith(".parquet", StringComparison.Ordinal))
            {
                parquet.Add(blob.Properties.ContentLength ?? 0);
            }
        }

        // The value itself (13 squared) is checked by the Pipelines sample tests; here: the output is where the run says.
        Assert.NotEmpty(parquet);
        Assert.All(parquet, length => Assert.True(length > 0));
    }

    [Fact]
    public async Task TriggerHello_RepeatedRunId_ReturnsTheExistingRun()
    {
        var body = """{ "runId": "same-run-1" }""";
        var first = await this.host.Client.PostAsync("/api/dags/hello/runs", new StringContent(body, Encoding.UTF8, "application/json"));
        var second = await this.host.Client.PostAsync("/api/dags/hello/runs", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(JsonNode.Parse(await first.Content.ReadAsStringAsync())!["created"]!.GetValue<bool>());
        Assert.False(JsonNode.Parse(await second.Content.ReadAsStringAsync())!["created"]!.GetValue<bool>());
        var list = JsonNode.Parse(await this.host.Client.GetStringAsync("/api/runs?dag=hello"))!["runs"]!.AsArray();
        Assert.Single(list, r => r!["runId"]!.GetValue<string>() == "same-run-1");
    }

    [Fact]
    public async Task SchedulerFunction_TwoTicksAtOnce_StartEachDueRunOnce()
    {
        // The timer function itself, called as the host calls it, twice at once.
        Task TickAsync()
        {
            var services = this.host.App.App.Services;
            var timers = ActivatorUtilities.CreateInstance<TimerFunctions>(services);
            return timers.Scheduler(new TimerInfo(), services.GetRequiredService<DurableTaskClient>(), CancellationToken.None);
        }

        await Task.WhenAll(TickAsync(), TickAsync());
        await TickAsync();

        var noCatchup = await this.RunIdsAsync("minutely");
        var catchup = await this.RunIdsAsync("minutely-catchup");

        // catchup off: only the latest interval; on: every interval since the start date (4 minutes ago, so 3 or 4).
        Assert.Single(noCatchup);
        Assert.InRange(catchup.Count, 3, 5);
        Assert.Equal(catchup.Count, catchup.Distinct(StringComparer.Ordinal).Count());
    }

    private async Task<List<string>> RunIdsAsync(string dag)
    {
        var runs = JsonNode.Parse(await this.host.Client.GetStringAsync($"/api/runs?dag={dag}&pageSize=100"))!["runs"]!.AsArray();
        return runs.Select(r => r!["runId"]!.GetValue<string>()).ToList();
    }
}
