using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Durable;
using Serverless.Durable.Client;
using Serverless.Durable.Hosting;
using Serverless.Functions.Tests.Support;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Invocations;

/// <summary>
/// The custom handler protocol: the test plays the Functions host — it takes messages off the engine's queues, POSTs
/// the payloads the host sends to <c>/{FunctionName}</c>, and deletes a message only after a 2xx reply.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CustomHandlerProtocolTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeDagRunService runs = new();
    private TestHost host = null!;

    public async Task InitializeAsync() =>
        this.host = await TestHost.StartAsync(
            azurite,
            s =>
            {
                s.AddSingleton<IDagRunService>(this.runs);
                s.AddDurableTasks(r => r
                    .AddOrchestratorFunc<int, int>("Square", async (context, n) => await context.CallActivityAsync<int>("Multiply", new[] { n, n }))
                    .AddActivityFunc<int[], int>("Multiply", (_, pair) => Task.FromResult(pair[0] * pair[1])));
            },
            customHandler: true);

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task QueueTriggers_HostDeliversEngineMessages_OrchestrationCompletes(bool messageAsObject)
    {
        var client = this.host.App.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync("Square", 13);
        var account = azurite.CreateAccount();
        var control = account.Queues.GetQueueClient($"{this.host.TaskHub}-control");
        var work = account.Queues.GetQueueClient($"{this.host.TaskHub}-workitems");
        var replies = new List<JsonNode>();

        var finished = await Poll.UntilAsync(
            async () =>
            {
                await this.DeliverAsync(control, "ControlQueue", messageAsObject, replies);
                await this.DeliverAsync(work, "WorkItemQueue", messageAsObject, replies);
                return await client.GetInstanceAsync(id, getInputsAndOutputs: true);
            },
            m => m?.IsCompleted == true,
            TimeSpan.FromSeconds(30),
            "the orchestration to complete through invocations");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, finished!.RuntimeStatus);
        Assert.Equal(169, finished.ReadOutputAs<int>());
        Assert.NotEmpty(replies);
        Assert.All(replies, r =>
        {
            Assert.IsType<JsonObject>(r["Outputs"]);
            Assert.IsType<JsonArray>(r["Logs"]);
            Assert.True(r.AsObject().ContainsKey("ReturnValue"));
            Assert.Null(r["ReturnValue"]);
        });
    }

    [Fact]
    public async Task ControlQueue_UnreadableMessage_RepliesNon2xxSoTheHostRetries()
    {
        var response = await this.host.Anonymous.PostAsync("/ControlQueue", Json("""{ "Data": { "message": "this is not an engine message" }, "Metadata": { "DequeueCount": 1 } }"""));

        Assert.False(response.IsSuccessStatusCode);
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotEmpty(reply["Logs"]!.AsArray());

        var notJson = await this.host.Anonymous.PostAsync("/WorkItemQueue", Json("not json"));
        Assert.False(notJson.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Scheduler_TimerInvocation_StartsDueRunsAndRepliesWithLogs()
    {
        var before = DateTimeOffset.UtcNow;
        DateTimeOffset? seen = null;
        this.runs.DueRuns = now =>
        {
            seen = now;
            return ["scheduled__2024-01-01T00:00:00Z"];
        };

        var response = await this.host.Anonymous.PostAsync("/Scheduler", Json(TimerPayload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(seen);
        Assert.InRange(seen!.Value, before, DateTimeOffset.UtcNow);
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("scheduled__2024-01-01T00:00:00Z", reply["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(reply["ReturnValue"]);
    }

    [Fact]
    public async Task Maintenance_TimerInvocation_PurgesRunsOlderThanRetention()
    {
        var response = await this.host.Anonymous.PostAsync("/Maintenance", Json(TimerPayload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(this.runs.Calls, c => c.StartsWith("purge-finished", StringComparison.Ordinal));
        var cutoff = DateTimeOffset.Parse(call["purge-finished ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - cutoff, TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        Assert.Contains("purged 3 run(s)", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scheduler_FailingService_RepliesNon2xx()
    {
        this.runs.DueRuns = _ => throw new InvalidOperationException("storage unavailable");
        var response = await this.host.Anonymous.PostAsync("/Scheduler", Json(TimerPayload));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("storage unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // What the Functions host sends for a timerTrigger binding named "timer".
    private const string TimerPayload = """
        {
          "Data": {
            "timer": { "Schedule": { "AdjustForDST": true }, "ScheduleStatus": { "Last": "2024-01-01T00:00:00+00:00", "Next": "2024-01-01T00:01:00+00:00", "LastUpdated": "2024-01-01T00:00:00+00:00" }, "IsPastDue": false }
          },
          "Metadata": {
            "sys": { "MethodName": "Scheduler", "UtcNow": "2024-01-01T00:01:00.0123456Z", "RandGuid": "0f8fad5b-d9cb-469f-a165-70867728950e" }
          }
        }
        """;

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private async Task DeliverAsync(QueueClient queue, string function, bool messageAsObject, List<JsonNode> replies)
    {
        var messages = await queue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30));
        foreach (var message in messages.Value)
        {
            var text = message.Body.ToString();
            JsonNode data = messageAsObject ? JsonNode.Parse(text)! : JsonValue.Create(text);
            var payload = new JsonObject
            {
                ["Data"] = new JsonObject { ["message"] = data },
                ["Metadata"] = new JsonObject
                {
                    ["DequeueCount"] = message.DequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Id"] = JsonValue.Create(message.MessageId),
                    ["PopReceipt"] = JsonValue.Create(message.PopReceipt),
                    ["InsertionTime"] = JsonValue.Create(message.InsertedOn),
                    ["sys"] = new JsonObject { ["MethodName"] = function },
                },
            };
            var response = await this.host.Anonymous.PostAsync("/" + function, Json(payload.ToJsonString()));
            replies.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
            if (response.IsSuccessStatusCode)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }
}
