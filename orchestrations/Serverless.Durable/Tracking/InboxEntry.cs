using Serverless.Durable.History;

namespace Serverless.Durable.Tracking;

/// <summary>An event waiting in an instance's inbox.</summary>
/// <param name="EventId">The id from <see cref="InboxEventIds"/> (row key without its prefix); its order is the order of application.</param>
/// <param name="Event">The event.</param>
/// <param name="ExecutionId">The execution it is for; null when it is for whichever execution is current.</param>
internal sealed record InboxEntry(string EventId, HistoryEvent Event, string? ExecutionId);
