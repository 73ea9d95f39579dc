using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Pipelines.Notifications;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Tests.Orchestration;
using Serverless.Spark.Jobs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Notifications;

/// <summary>Notifications and deadlines through the DAG orchestrator, delivered to a local webhook receiver.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class NotificationDeliveryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Run_TaskRetriesThenFails_EveryEventDeliveredAndRetriedWhileEndpointAnswers500()
    {
        await using var receiver = new WebhookReceiver();
        var url = receiver.BaseUrl.ToString().TrimEnd('/');
        var dag = PipelineTestHost.Dag($$"""
            id: notify-fail
            onFailure: [{{url}}/run]
            tasks:
              - id: a
                kind: sql
                sql: SELECT 1
                outputs: [rows]
                retries: 1
                retryDelay: 1s
                onRetry: [{{url}}/retry]
                onFailure:
                  - { url: "{{url}}/fail", shape: slack }
            """);

        // The task's failure endpoint answers 500 twice, then 200.
        receiver.Respond = (request, _) => Task.FromResult(request.Path == "/fail" && receiver.Received.Count(r => r.Path == "/fail") <= 2 ? 500 : 200);
        var backend = new FakeSparkBackend { Outcome = (_, _) => SparkJobState.Failed };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, services: s => s.Configure<NotificationOptions>(o => Fast(o, 4)));

        var run = await host.RunAsync("notify-fail");

        Assert.Equal(DagRunState.Failed, run.State);
        var got = receiver.Received;
        Assert.All(got, r => Assert.Equal(r.EventId, r.Body is { } body && body["eventId"] is { } id ? id.GetValue<string>() : ExpectedSlackId(r)));
        var retry = Assert.Single(got, r => r.Path == "/retry");
        Assert.Equal(Id(run.RunId, "a", null, 1, "task_retry"), retry.EventId);
        Assert.Equal("task_retry", retry.Body!["kind"]!.GetValue<string>());
        Assert.Equal(1, retry.Body["attempt"]!.GetValue<int>());
        var fails = got.Where(r => r.Path == "/fail").ToList();
        Assert.Equal(3, fails.Count);
        Assert.All(fails, f => Assert.Equal(Id(run.RunId, "a", null, 2, "task_failed"), f.EventId));
        Assert.Contains("Task failed: notify-fail/a (attempt 2)", fails[0].Body!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var end = Assert.Single(got, r => r.Path == "/run");
        Assert.Equal(Id(run.RunId, null, null, null, "run_failed"), end.EventId);
        Assert.Equal("failed", end.Body!["state"]!.GetValue<string>());
        Assert.Contains("task 'a' failed", end.Body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await DeadLettersAsync("notify-fail", run.RunId));
    }

    [Fact]
    public async Task Run_EndpointStaysDown_DeadLetteredAfterTheLimitWithoutTheSecret()
    {
        await using var receiver = new WebhookReceiver { Respond = (_, _) => Task.FromResult(500) };
        var dag = PipelineTestHost.Dag("""
            id: notify-down
            onFailure:
              - setting: ops
            tasks:
              - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
            """);
        var backend = new FakeSparkBackend { Outcome = (_, _) => SparkJobState.Failed };
        const string secret = "secret-123";
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, services: s => s.Configure<NotificationOptions>(o =>
        {
            Fast(o, 3);
            o.Urls["ops"] = new Uri(receiver.BaseUrl, "hook?code=" + secret).ToString();
        }));

        var run = await host.RunAsync("notify-down");

        var expectedId = Id(run.RunId, null, null, null, "run_failed");
        Assert.Equal(3, receiver.Received.Count);
        Assert.All(receiver.Received, r => Assert.Equal(("/hook", "?code=" + secret, expectedId), (r.Path, r.Query, r.EventId)));
        var letter = Assert.Single(await DeadLettersAsync("notify-down", run.RunId));
        Assert.Equal(expectedId + "-0", letter.RowKey);
        Assert.Equal(3, letter.GetInt32("Attempts"));
        Assert.Equal("run_failed", letter.GetString("Kind"));
        Assert.Equal("setting:ops", letter.GetString("Target"));
        Assert.Contains("HTTP 500", letter.GetString("LastError"), StringComparison.Ordinal);
        Assert.Contains(expectedId, letter.GetString("Event"), StringComparison.Ordinal);
        Assert.All(letter.Select(p => p.Value), v => Assert.DoesNotContain(secret, Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty, StringComparison.Ordinal));

        // The service's list reads the same row, per run and per DAG.
        var listed = Assert.Single(await host.Runs.ListDeadLettersAsync("notify-down", run.RunId));
        Assert.Equal((expectedId, run.RunId, "run_failed", "setting:ops", 3), (listed.EventId, listed.RunId, listed.Kind, listed.Target, listed.Attempts));
        Assert.Contains(await host.Runs.ListDeadLettersAsync("notify-down", null), l => l.RunId == run.RunId);
        Assert.Empty(await host.Runs.ListDeadLettersAsync("notify-down", run.RunId + "-rerun-1"));
    }

    [Fact]
    public async Task Run_DeadlinePassesBeforeTheRunEnds_NotifiesOnceAndRecordsItInRunAndManifest()
    {
        await using var receiver = new WebhookReceiver();
        var url = receiver.BaseUrl.ToString().TrimEnd('/');
        var late = PipelineTestHost.Dag($$"""
            id: notify-late
            deadline: { after: start, duration: 1s }
            onFailure: [{{url}}/late]
            tasks:
              - { id: hang, kind: sql, sql: SELECT 1, outputs: [rows], executionTimeout: 4s }
            """);
        var early = PipelineTestHost.Dag($$"""
            id: notify-early
            deadline: { after: start, duration: 10m, notify: ["{{url}}/early"] }
            onSuccess: ["{{url}}/ok"]
            tasks:
              - { id: quick, kind: sql, sql: SELECT 1, outputs: [rows], onSuccess: ["{{url}}/ok"] }
            """);
        var backend = new FakeSparkBackend { Outcome = (spec, _) => spec.Name.StartsWith("notify-late", StringComparison.Ordinal) ? SparkJobState.Running : SparkJobState.Succeeded };
        await using var host = await PipelineTestHost.StartAsync(azurite, [late, early], backend, services: s => s.Configure<NotificationOptions>(o => Fast(o, 3)));

        var lateRun = await host.RunAsync("notify-late");
        var earlyRun = await host.RunAsync("notify-early");

        Assert.True(lateRun.DeadlineMissed);
        var missed = Assert.Single(receiver.Received, r => r.Body!["kind"]!.GetValue<string>() == "deadline_missed");
        Assert.Equal(Id(lateRun.RunId, null, null, null, "deadline_missed"), missed.EventId);
        Assert.Equal("/late", missed.Path);
        var deadline = DateTime.Parse(missed.Body!["deadline"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.True(lateRun.Deadline is { } due && Math.Abs((due.UtcDateTime - deadline).TotalSeconds) < 1, $"deadline {deadline:O} vs {lateRun.Deadline:O}");
        Assert.True(lateRun.EndedAt > lateRun.Deadline, "the late run ended before its deadline");
        Assert.Single(receiver.Received, r => r.Body!["kind"]!.GetValue<string>() == "run_failed");
        Assert.True((await host.ReadManifestAsync("notify-late", lateRun.RunId))["deadlineMissed"]!.GetValue<bool>());
        Assert.True(Assert.Single((await host.Runs.ListRunsAsync(new Service.DagRunQuery(DagId: "notify-late"))).Runs).DeadlineMissed);
        Assert.False(Assert.Single((await host.Runs.ListRunsAsync(new Service.DagRunQuery(DagId: "notify-early"))).Runs).DeadlineMissed);

        Assert.Equal(DagRunState.Success, earlyRun.State);
        Assert.False(earlyRun.DeadlineMissed);
        Assert.NotNull(earlyRun.Deadline);
        Assert.DoesNotContain(receiver.Received, r => r.Path == "/early");
        var successes = receiver.Received.Where(r => r.Path == "/ok").Select(r => (EventId: r.EventId!, Kind: r.Body!["kind"]!.GetValue<string>())).Order().ToList();
        Assert.Equal(new[] { (Id(earlyRun.RunId, "quick", null, 1, "task_success"), "task_success"), (Id(earlyRun.RunId, null, null, null, "run_success"), "run_success") }.Order(), successes);
        Assert.False((await host.ReadManifestAsync("notify-early", earlyRun.RunId))["deadlineMissed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Run_DeliveryHeldOpen_RunShowsItsFinalStateWhileItsNotificationDrains()
    {
        await using var receiver = new WebhookReceiver();
        var held = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = (_, _) => held.Task;
        var dag = PipelineTestHost.Dag($$"""
            id: notify-drain
            onFailure: ["{{receiver.BaseUrl}}run"]
            tasks:
              - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
            """);
        var backend = new FakeSparkBackend { Outcome = (_, _) => SparkJobState.Failed };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, services: s => s.Configure<NotificationOptions>(o => Fast(o, 3)));
        try
        {
            var started = await host.Runs.TriggerAsync("notify-drain", new Service.DagRunTrigger());
            await Poll.UntilAsync(() => Task.FromResult(receiver.Received.Count == 1), TimeSpan.FromSeconds(30), "the run_failed notification to arrive");

            // The delivery is held open, so the orchestration is still running; the run itself has ended. The runs
            // index row is written by an activity that runs beside the delivery, so the list is polled for it.
            await Poll.UntilAsync(
                async () => Assert.Single((await host.Runs.ListRunsAsync(new Service.DagRunQuery(DagId: "notify-drain"))).Runs).State == DagRunState.Failed,
                TimeSpan.FromSeconds(30),
                "the runs list to show the run failed while its notification is held");
            var instance = await host.Client.GetInstanceAsync(started.RunId);
            var shown = (await host.Runs.GetRunAsync(started.RunId))!;
            var listed = Assert.Single((await host.Runs.ListRunsAsync(new Service.DagRunQuery(DagId: "notify-drain"))).Runs);
            var releasedAt = DateTimeOffset.UtcNow;
            held.SetResult(200);

            Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Running, instance!.RuntimeStatus);
            Assert.Equal((DagRunState.Failed, DagRunState.Failed), (shown.State, listed.State));
            Assert.True(shown.EndedAt < releasedAt, $"endedAt {shown.EndedAt:O} is not before the release {releasedAt:O}");
            var ended = await host.WaitAsync(started.RunId);
            Assert.Equal((DagRunState.Failed, shown.EndedAt), (ended.State, ended.EndedAt));
            Assert.Equal(Id(started.RunId, null, null, null, "run_failed"), Assert.Single(receiver.Received).EventId);
        }
        finally
        {
            held.TrySetResult(200);
        }
    }

    private static void Fast(NotificationOptions options, int attempts)
    {
        options.MaxAttempts = attempts;
        options.FirstRetryInterval = TimeSpan.FromSeconds(1);
        options.BackoffCoefficient = 1;
        options.RequestTimeout = TimeSpan.FromSeconds(10);
    }

    // The documented id: the first 16 bytes of SHA-256("runId\ntaskId\nmapIndex\nattempt\nkind"), in hex.
    private static string Id(string runId, string? taskId, int? mapIndex, int? attempt, string kind) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', runId, taskId ?? string.Empty, mapIndex?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, attempt?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, kind))))[..32];

    // A Slack body names its event in the context block: "kind · event <id> · time".
    private static string? ExpectedSlackId(ReceivedWebhook request) =>
        request.Body?["blocks"]?[1]?["elements"]?[0]?["text"]?.GetValue<string>().Split(" · ")[1]["event ".Length..];

    private async Task<List<TableEntity>> DeadLettersAsync(string dagId, string runId)
    {
        var table = azurite.CreateAccount().Tables.GetTableClient(NotificationDeadLetterStore.TableName);
        await table.CreateIfNotExistsAsync();
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == dagId))
        {
            if (row.GetString("RunId") == runId)
            {
                rows.Add(row);
            }
        }

        return rows;
    }
}
