using Serverless.Durable.History;

namespace Serverless.Durable.Tracking;

/// <summary>What one read of an instance's history partition returned.</summary>
/// <param name="Sentinel">The sentinel, or null for an instance never processed.</param>
/// <param name="Inbox">Waiting events in order of arrival.</param>
/// <param name="History">The current generation's episodes in order, when asked for; otherwise null.</param>
internal sealed record InstanceSnapshot(SentinelState? Sentinel, IReadOnlyList<InboxEntry> Inbox, IReadOnlyList<IReadOnlyList<HistoryEvent>>? History)
{
    /// <summary>Gets a value indicating whether more inbox rows wait beyond those read.</summary>
    public bool InboxTruncated { get; init; }
}
