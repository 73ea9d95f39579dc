using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.LocalHost;
using Serverless.Storage.Emulator;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Api;

/// <summary>Storage restarted empty under a running local host: health says so, and the host comes back by itself.</summary>
public sealed class StorageRecoveryTests
{
    private const string Key = "recovery-key-0123456789";

    [Fact]
    public async Task Health_AzuriteRestartsEmpty_DegradedThenHealthyAndANewRunSucceedsWithoutHostRestart()
    {
        var azurite = await AzuriteProcess.StartAsync();
        var (blob, queue, table) = (azurite.BlobPort, azurite.QueuePort, azurite.TablePort);
        await using var host = await LocalHostApp.StartAsync([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Serverless:TaskHub"] = AzuriteFixture.UniqueName("rec"),
            ["Serverless:ApiKey"] = Key,
            ["Serverless:Scheduler"] = "false",
            ["Serverless:UploadSampleData"] = "false",
            ["Serverless:Durable:PartitionCount"] = "1",
            ["Serverless:Durable:MaxQueuePollingInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add("x-functions-key", Key);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("api/health", UriKind.Relative))).StatusCode);

            await azurite.DisposeAsync();
            var degraded = await Poll.UntilAsync(
                () => client.GetAsync(new Uri("api/health", UriKind.Relative)),
                r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(10),
                "health to report degraded after storage went away");
            var body = JsonNode.Parse(await degraded.Content.ReadAsStringAsync())!;
            Assert.Equal("degraded", body["status"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(body["reason"]!.GetValue<string>()));

            azurite = await AzuriteProcess.StartOnPortsAsync(blob, queue, table);
            await Poll.UntilAsync(
                async () => (await client.GetAsync(new Uri("api/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(60),
                "health to report healthy after storage came back empty");

            var started = await client.PostAsJsonAsync("api/dags/hello/runs", new { });
            var startedBody = await started.Content.ReadAsStringAsync();
            Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"{started.StatusCode}: {startedBody}");
            var runId = JsonNode.Parse(startedBody)!["id"]!.GetValue<string>();
            var run = await Poll.UntilAsync(
                async () => JsonNode.Parse(await client.GetStringAsync(new Uri("api/runs/" + runId, UriKind.Relative)))!,
                r => r["state"]!.GetValue<string>() is "success" or "failed",
                TimeSpan.FromSeconds(60),
                "the run after recovery to end");
            Assert.Equal("success", run["state"]!.GetValue<string>());
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }
}
