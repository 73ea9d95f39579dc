using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Notifications;

/// <summary>
/// The request bodies of the three target shapes. Every shape carries the event id (plain JSON as <c>eventId</c>,
/// Slack and Teams in the visible message), besides the <c>X-Serverless-Event-Id</c> header.
/// </summary>
public static class NotificationBodies
{
    /// <summary>The header that carries the event id.</summary>
    public const string EventIdHeader = "X-Serverless-Event-Id";

    /// <summary>Builds the body of a target shape.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="notification">The event.</param>
    /// <returns>The JSON body.</returns>
    public static JsonObject Build(NotificationShape shape, NotificationEvent notification) => shape switch
    {
        NotificationShape.Teams => Teams(notification),
        NotificationShape.Slack => Slack(notification),
        _ => Json(notification),
    };

    /// <summary>Gets the one-line title of an event, such as <c>Task failed: sales/load (attempt 3)</c>.</summary>
    /// <param name="notification">The event.</param>
    /// <returns>The title.</returns>
    public static string Title(NotificationEvent notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var what = notification.Kind switch
        {
            NotificationEventKind.TaskFailed => "Task failed",
            NotificationEventKind.TaskRetry => "Task up for retry",
            NotificationEventKind.TaskSuccess => "Task succeeded",
            NotificationEventKind.RunFailed => "Run failed",
            NotificationEventKind.RunSuccess => "Run succeeded",
            _ => "Deadline missed",
        };
        if (notification.TaskId is not { } taskId)
        {
            return $"{what}: {notification.DagId} run {notification.RunId}";
        }

        var index = notification.MapIndex is { } i ? string.Create(CultureInfo.InvariantCulture, $"[{i}]") : string.Empty;
        var attempt = notification.Attempt is { } a ? string.Create(CultureInfo.InvariantCulture, $" (attempt {a})") : string.Empty;
        return $"{what}: {notification.DagId}/{taskId}{index}{attempt}";
    }

    /// <summary>The plain JSON shape: the event's fields, camelCase, enum values in snake case.</summary>
    /// <param name="notification">The event.</param>
    /// <returns>The body.</returns>
    public static JsonObject Json(NotificationEvent notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var body = new JsonObject
        {
            ["eventId"] = notification.Id,
            ["kind"] = WireNames.Of(notification.Kind),
            ["dagId"] = notification.DagId,
            ["runId"] = notification.RunId,
        };
        if (notification.TaskId is { } taskId)
        {
            body["taskId"] = taskId;
        }

        if (notification.MapIndex is { } mapIndex)
        {
            body["mapIndex"] = mapIndex;
        }

        if (notification.Attempt is { } attempt)
        {
            body["attempt"] = attempt;
        }

        body["state"] = notification.State;
        if (notification.Error is { } error)
        {
            body["error"] = error;
        }

        body["logicalDate"] = Format(notification.LogicalDate.UtcDateTime);
        body["occurredAt"] = Format(notification.OccurredAt);
        if (notification.Deadline is { } deadline)
        {
            body["deadline"] = Format(deadline);
        }

        body["title"] = Title(notification);
        return body;
    }

    /// <summary>The Slack incoming-webhook shape: <c>text</c> (the fallback) and a section and context block.</summary>
    /// <param name="notification">The event.</param>
    /// <returns>The body.</returns>
    public static JsonObject Slack(NotificationEvent notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var details = new StringBuilder();
        details.Append('*').Append(SlackEscape(Title(notification))).Append('*');
        details.Append("\nRun `").Append(SlackEscape(notification.RunId)).Append("`, logical date ").Append(Format(notification.LogicalDate.UtcDateTime));
        if (notification.Deadline is { } deadline)
        {
            details.Append("\nDeadline ").Append(Format(deadline));
        }

        if (notification.Error is { } error)
        {
            details.Append("\n```").Append(SlackEscape(error)).Append("```");
        }

        return new JsonObject
        {
            ["text"] = SlackEscape(Title(notification)),
            ["blocks"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "section",
                    ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = details.ToString() },
                },
                new JsonObject
                {
                    ["type"] = "context",
                    ["elements"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "mrkdwn",
                        ["text"] = $"{WireNames.Of(notification.Kind)} · event {notification.Id} · {Format(notification.OccurredAt)}",
                    }),
                }),
        };
    }

    /// <summary>The Teams incoming-webhook shape (Workflows and connectors): a message with one Adaptive Card 1.4.</summary>
    /// <param name="notification">The event.</param>
    /// <returns>The body.</returns>
    public static JsonObject Teams(NotificationEvent notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var facts = new JsonArray(Fact("DAG", notification.DagId), Fact("Run", notification.RunId));
        if (notification.TaskId is { } taskId)
        {
            facts.Add(Fact("Task", notification.MapIndex is { } i ? string.Create(CultureInfo.InvariantCulture, $"{taskId}[{i}]") : taskId));
        }

        if (notification.Attempt is { } attempt)
        {
            facts.Add(Fact("Attempt", attempt.ToString(CultureInfo.InvariantCulture)));
        }

        facts.Add(Fact("State", notification.State));
        facts.Add(Fact("Logical date", Format(notification.LogicalDate.UtcDateTime)));
        if (notification.Deadline is { } deadline)
        {
            facts.Add(Fact("Deadline", Format(deadline)));
        }

        facts.Add(Fact("Event id", notification.Id));
        var body = new JsonArray(
            new JsonObject { ["type"] = "TextBlock", ["text"] = Title(notification), ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
            new JsonObject { ["type"] = "FactSet", ["facts"] = facts });
        if (notification.Error is { } error)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = error, ["wrap"] = true, ["fontType"] = "Monospace" });
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["content"] = new JsonObject
                {
                    ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                    ["type"] = "AdaptiveCard",
                    ["version"] = "1.4",
                    ["body"] = body,
                },
            }),
        };
    }

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

    private static string Format(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // Slack's mrkdwn reads &, < and > as markup (links, mentions); its documentation asks for these three escapes.
    private static string SlackEscape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
