using Azure;
using Serverless.Durable.History;

namespace Serverless.Durable.Tracking;

/// <summary>One checkpoint: the new sentinel, the episode's events, and the inbox rows it consumed — one table transaction.</summary>
/// <param name="Sentinel">The new sentinel state.</param>
/// <param name="ExpectedETag">The sentinel ETag read before the episode; null when the sentinel did not exist.</param>
/// <param name="Events">The episode's events, appended as row <c>h{generation}-{episode}</c>.</param>
/// <param name="ConsumedInbox">Inbox event ids to delete.</param>
/// <param name="NewInbox">Inbox entries to add in the same transaction (the next generation's start on ContinueAsNew).</param>
internal sealed record EpisodeCommit(
    SentinelState Sentinel,
    ETag? ExpectedETag,
    IReadOnlyList<HistoryEvent> Events,
    IReadOnlyList<string> ConsumedInbox,
    IReadOnlyList<InboxEntry> NewInbox);
