using Serverless.Durable.History;

namespace Serverless.Durable.Tracking;

/// <summary>An event waiting in an instance's inbox.</summary>
/// <param name="EventId">The deterministic id (row key without its prefix); a duplicate delivery has the same id.</param>
/// <param name="Event">The event.</param>
/// <param name="ExecutionId">The execution it is for; null when it is for whichever execution is current.</param>
internal sealed record InboxEntry(string EventId, HistoryEvent Event, string? ExecutionId)
{
    /// <summary>Gets the order of arrival (sender's clock ticks), used to apply events in the order they were sent.</summary>
    public long Sequence { get; init; }
}
