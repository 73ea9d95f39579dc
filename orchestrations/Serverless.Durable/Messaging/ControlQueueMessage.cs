using Serverless.Durable.History;

namespace Serverless.Durable.Messaging;

/// <summary>
/// A message on the control queue: "process instance X". It can carry one event to put in the
/// instance's inbox first — durable timers travel this way, invisible until they are due.
/// </summary>
/// <param name="InstanceId">The instance.</param>
internal sealed record ControlQueueMessage(string InstanceId)
{
    /// <summary>Gets an event to add to the inbox before processing (timers, delayed starts).</summary>
    public HistoryEvent? Event { get; init; }

    /// <summary>Gets the inbox id of <see cref="Event"/>.</summary>
    public string? EventId { get; init; }

    /// <summary>Gets the execution <see cref="Event"/> is for.</summary>
    public string? ExecutionId { get; init; }

    /// <summary>Gets when the event is due; a message that surfaces early (delays are capped at 7 days) re-arms itself.</summary>
    public DateTime? DueAt { get; init; }

    /// <summary>Gets the blob holding the whole message when it was too large for the queue.</summary>
    public string? PayloadBlob { get; init; }
}
