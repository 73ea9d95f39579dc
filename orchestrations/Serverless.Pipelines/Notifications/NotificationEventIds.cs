using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Notifications;

/// <summary>
/// Stable event ids: the first 16 bytes, as lower-case hex, of the SHA-256 of
/// <c>runId \n taskId \n mapIndex \n attempt \n kind</c> (empty text for an absent part, the kind by its wire name).
/// The same happening always gets the same id, on a retry, a redelivery after a crash or a replay.
/// </summary>
public static class NotificationEventIds
{
    /// <summary>Gets the id of an event.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="taskId">The task id, or <see langword="null"/> for a run event.</param>
    /// <param name="mapIndex">The map index, or <see langword="null"/>.</param>
    /// <param name="attempt">The attempt, or <see langword="null"/> for a run event.</param>
    /// <param name="kind">The event kind.</param>
    /// <returns>32 lower-case hex digits.</returns>
    public static string For(string runId, string? taskId, int? mapIndex, int? attempt, NotificationEventKind kind)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var text = string.Join(
            '\n',
            runId,
            taskId ?? string.Empty,
            mapIndex?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            attempt?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            WireNames.Of(kind));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
