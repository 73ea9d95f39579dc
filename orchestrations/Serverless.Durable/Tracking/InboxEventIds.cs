using System.Globalization;

namespace Serverless.Durable.Tracking;

/// <summary>
/// The inbox ids of events. The table returns rows in row-key order and an episode reads only the
/// first page of the inbox, so the ids sort in the order events must be applied: an execution start
/// first, then client commands and raised events in the order they were sent (a time prefix), then
/// results, whose order does not matter. Results use deterministic ids so duplicates collide.
/// </summary>
internal static class InboxEventIds
{
    public static string Start(string executionId) => $"0start-{executionId}";

    public static string Terminate() => $"1cmd-{Ticks()}-terminate-{Guid.NewGuid():N}";

    public static string Suspend() => $"1cmd-{Ticks()}-suspend-{Guid.NewGuid():N}";

    public static string Resume() => $"1cmd-{Ticks()}-resume-{Guid.NewGuid():N}";

    public static string Abort() => $"1cmd-{Ticks()}-abort-{Guid.NewGuid():N}";

    public static string Event(long? ticks = null) => $"2event-{Ticks(ticks)}-{Guid.NewGuid():N}";

    public static string TaskResult(string executionId, int taskId) => $"3task-{executionId}-{taskId}";

    public static string SubOrchestrationResult(string? parentExecutionId, int taskId) => $"3sub-{parentExecutionId}-{taskId}";

    public static string TimerFired(string executionId, int timerId) => $"3timer-{executionId}-{timerId}";

    private static string Ticks(long? ticks = null) => (ticks ?? DateTime.UtcNow.Ticks).ToString("D19", CultureInfo.InvariantCulture);
}
