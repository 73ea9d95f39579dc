namespace Serverless.Pipelines.Definitions;

/// <summary>The body a notification target receives.</summary>
public enum NotificationShape
{
    /// <summary>The event as plain JSON (the default).</summary>
    Json,

    /// <summary>A Microsoft Teams incoming-webhook message: an Adaptive Card attachment.</summary>
    Teams,

    /// <summary>A Slack incoming-webhook message: <c>text</c> and Block Kit blocks.</summary>
    Slack,
}
