using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Notifications;

namespace Serverless.Pipelines.Tests.Notifications;

/// <summary>The three body shapes and the event ids, against bodies written out by hand.</summary>
public sealed class NotificationBodiesTests
{
    private static readonly NotificationEvent Failed = new()
    {
        Id = "0123456789abcdef0123456789abcdef",
        Kind = NotificationEventKind.TaskFailed,
        DagId = "sales",
        RunId = "sales__2026-01-02T00:00:00Z",
        TaskId = "load",
        MapIndex = 2,
        Attempt = 3,
        State = "failed",
        Error = "x < y & z > 0",
        LogicalDate = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero),
        OccurredAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
    };

    [Fact]
    public void Json_TaskFailed_HasEveryFieldOfTheEvent()
    {
        var body = NotificationBodies.Build(NotificationShape.Json, Failed);

        AssertJson("""
            {
              "eventId": "0123456789abcdef0123456789abcdef",
              "kind": "task_failed",
              "dagId": "sales",
              "runId": "sales__2026-01-02T00:00:00Z",
              "taskId": "load",
              "mapIndex": 2,
              "attempt": 3,
              "state": "failed",
              "error": "x < y & z > 0",
              "logicalDate": "2026-01-02T00:00:00Z",
              "occurredAt": "2026-01-02T03:04:05Z",
              "title": "Task failed: sales/load[2] (attempt 3)"
            }
            """, body);
    }

    [Fact]
    public void Json_DeadlineMissed_HasDeadlineAndNoTaskFields()
    {
        var missed = Failed with { Kind = NotificationEventKind.DeadlineMissed, TaskId = null, MapIndex = null, Attempt = null, State = "running", Error = null, Deadline = new DateTime(2026, 1, 2, 0, 30, 0, DateTimeKind.Utc) };

        var body = NotificationBodies.Build(NotificationShape.Json, missed);

        AssertJson("""
            {
              "eventId": "0123456789abcdef0123456789abcdef",
              "kind": "deadline_missed",
              "dagId": "sales",
              "runId": "sales__2026-01-02T00:00:00Z",
              "state": "running",
              "logicalDate": "2026-01-02T00:00:00Z",
              "occurredAt": "2026-01-02T03:04:05Z",
              "deadline": "2026-01-02T00:30:00Z",
              "title": "Deadline missed: sales run sales__2026-01-02T00:00:00Z"
            }
            """, body);
    }

    [Fact]
    public void Slack_TaskFailed_IsTextAndBlocksWithMarkupEscaped()
    {
        var body = NotificationBodies.Build(NotificationShape.Slack, Failed);

        AssertJson("""
            {
              "text": "Task failed: sales/load[2] (attempt 3)",
              "blocks": [
                {
                  "type": "section",
                  "text": {
                    "type": "mrkdwn",
                    "text": "*Task failed: sales/load[2] (attempt 3)*\nRun `sales__2026-01-02T00:00:00Z`, logical date 2026-01-02T00:00:00Z\n```x &lt; y &amp; z &gt; 0```"
                  }
                },
                {
                  "type": "context",
                  "elements": [
                    { "type": "mrkdwn", "text": "task_failed · event 0123456789abcdef0123456789abcdef · 2026-01-02T03:04:05Z" }
                  ]
                }
              ]
            }
            """, body);
    }

    [Fact]
    public void Teams_TaskFailed_IsMessageWithOneAdaptiveCard()
    {
        var body = NotificationBodies.Build(NotificationShape.Teams, Failed);

        AssertJson("""
            {
              "type": "message",
              "attachments": [
                {
                  "contentType": "application/vnd.microsoft.card.adaptive",
                  "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                      { "type": "TextBlock", "text": "Task failed: sales/load[2] (attempt 3)", "weight": "Bolder", "size": "Medium", "wrap": true },
                      {
                        "type": "FactSet",
                        "facts": [
                          { "title": "DAG", "value": "sales" },
                          { "title": "Run", "value": "sales__2026-01-02T00:00:00Z" },
                          { "title": "Task", "value": "load[2]" },
                          { "title": "Attempt", "value": "3" },
                          { "title": "State", "value": "failed" },
                          { "title": "Logical date", "value": "2026-01-02T00:00:00Z" },
                          { "title": "Event id", "value": "0123456789abcdef0123456789abcdef" }
                        ]
                      },
                      { "type": "TextBlock", "text": "x < y & z > 0", "wrap": true, "fontType": "Monospace" }
                    ]
                  }
                }
              ]
            }
            """, body);
    }

    [Fact]
    public void EventId_IsTruncatedSha256OfTheDocumentedParts()
    {
        // Computed here from the documented formula, not by the code under test.
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("run-1\nload\n2\n3\ntask_failed")))[..32];

        Assert.Equal(expected, NotificationEventIds.For("run-1", "load", 2, 3, NotificationEventKind.TaskFailed));
    }

    [Fact]
    public void EventId_DiffersInEveryPart_AndIsStable()
    {
        var ids = new[]
        {
            NotificationEventIds.For("run-1", "load", 2, 3, NotificationEventKind.TaskFailed),
            NotificationEventIds.For("run-2", "load", 2, 3, NotificationEventKind.TaskFailed),
            NotificationEventIds.For("run-1", "loads", 2, 3, NotificationEventKind.TaskFailed),
            NotificationEventIds.For("run-1", "load", null, 3, NotificationEventKind.TaskFailed),
            NotificationEventIds.For("run-1", "load", 2, 2, NotificationEventKind.TaskFailed),
            NotificationEventIds.For("run-1", "load", 2, 3, NotificationEventKind.TaskRetry),
            NotificationEventIds.For("run-1", null, null, null, NotificationEventKind.RunFailed),
        };

        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ids[0], NotificationEventIds.For("run-1", "load", 2, 3, NotificationEventKind.TaskFailed));
    }

    private static void AssertJson(string expected, JsonObject actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), "expected\n" + expected + "\nactual\n" + actual.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
}
