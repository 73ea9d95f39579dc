using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Functions.Tests.Crash;

/// <summary>
/// Notifications survive a host crash: the local host is SIGKILLed while the webhook holds the first failure
/// notification's request open; after the restart every failure event is delivered, and a repeat carries the same
/// event id in the header and the body.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class NotificationCrashTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Key = "notify-crash-key-0123456789";

    [Fact]
    public async Task LocalHost_KilledWhileFailureNotificationInFlight_EveryFailureEventDeliveredWithStableIds()
    {
        var folder = Directory.CreateTempSubdirectory("notify-crash-");
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "alarm.yaml"), """
            id: alarm
            onFailure:
              - setting: crashhook
            tasks:
              - id: a
                kind: sql
                sql: SELECT CAST('not a number' AS INTEGER) AS n
                outputs: [rows]
                onFailure:
                  - setting: crashhook
            """);
        await using var receiver = new WebhookReceiver();
        var held = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first request is held open until the host that sent it is dead; every later one is answered 200.
        receiver.Respond = (_, number) => number == 1 ? held.Task : Task.FromResult(200);
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Serverless__TaskHub"] = AzuriteFixture.UniqueName("notifycrash"),
            ["Serverless__ApiKey"] = Key,
            ["Serverless__DagFolder"] = folder.FullName,
            ["Serverless__Scheduler"] = "false",
            ["Serverless__UploadSampleData"] = "false",
            ["Serverless__Notifications__crashhook__Url"] = new Uri(receiver.BaseUrl, "hook?sig=crash-secret").ToString(),
            ["Serverless__NotificationDelivery__MaxAttempts"] = "5",
            ["Serverless__NotificationDelivery__FirstRetryInterval"] = "00:00:01",
            ["Serverless__NotificationDelivery__BackoffCoefficient"] = "1",
            ["Serverless__NotificationDelivery__RequestTimeout"] = "00:02:00",
            ["Spark__DataContainer"] = AzuriteFixture.UniqueName("data"),
        };
        var baseAddress = new Uri($"http://127.0.0.1:{LocalHostProcess.FreePort()}/");
        var log = new StringBuilder();
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add("x-functions-key", Key);
        var host = await LocalHostProcess.StartAsync(RepositoryPaths.LocalHostDll, baseAddress, settings, folder.FullName, log);
        try
        {
            var started = await client.PostAsJsonAsync("api/dags/alarm/runs", new { });
            Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
            var runId = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

            await Poll.UntilAsync(() => Task.FromResult(receiver.Received.Count >= 1), TimeSpan.FromMinutes(2), "the first notification to arrive");
            var first = receiver.Received[0];
            await host.KillAsync();
            held.SetResult(200);
            host = await LocalHostProcess.StartAsync(RepositoryPaths.LocalHostDll, baseAddress, settings, folder.FullName, log);

            var run = await Poll.UntilAsync(
                async () => JsonNode.Parse(await client.GetStringAsync(new Uri("api/runs/" + runId, UriKind.Relative)))!,
                r => r["state"]!.GetValue<string>() is "success" or "failed" && r["endedAt"] is not null,
                TimeSpan.FromMinutes(3),
                "the run to end after the restart");

            // The run shows its end before its notifications are delivered (it drains after), so wait for both events
            // and for the held one's redelivery, which comes when the restarted host takes its activity again.
            await Poll.UntilAsync(
                () => Task.FromResult(receiver.Received.Select(r => r.EventId).Distinct().Count() >= 2 && receiver.Received.Count(r => r.EventId == first.EventId) >= 2),
                TimeSpan.FromMinutes(3),
                $"both failure events to arrive and the held one ({first.EventId}) to come again");
            var got = receiver.Received;
            output.WriteLine(string.Join("\n", got.Select(r => $"{r.At:HH:mm:ss.fff} {r.EventId} {r.Body?["kind"]}")));
            Assert.Equal("failed", run["state"]!.GetValue<string>());
            var taskFailed = Id(runId, "a", 1, "task_failed");
            var runFailed = Id(runId, null, null, "run_failed");
            Assert.Equal(new[] { runFailed, taskFailed }.Order(StringComparer.Ordinal), got.Select(r => r.EventId!).Distinct().Order(StringComparer.Ordinal), StringComparer.Ordinal);
            Assert.All(got, r => Assert.Equal(r.EventId, r.Body!["eventId"]!.GetValue<string>()));
            Assert.All(got, r => Assert.Equal("?sig=crash-secret", r.Query));

            // The held event came again after the restart, with the same id and the same body.
            var repeats = got.Where(r => r.EventId == first.EventId).ToList();
            Assert.True(repeats.Count >= 2, $"the event held at the kill ({first.EventId}) was not delivered again");
            Assert.All(repeats, r => Assert.True(JsonNode.DeepEquals(first.Body, r.Body), "a repeat's body differs"));
            Assert.DoesNotContain("crash-secret", log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            held.TrySetResult(200);
            await host.DisposeAsync();
            folder.Delete(recursive: true);
        }
    }

    // The documented id: the first 16 bytes of SHA-256("runId\ntaskId\nmapIndex\nattempt\nkind"), in hex.
    private static string Id(string runId, string? taskId, int? attempt, string kind) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', runId, taskId ?? string.Empty, string.Empty, attempt?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, kind))))[..32];
}
