namespace Serverless.Durable.Messaging;

/// <summary>A message on the work-item queue: run an activity for an orchestration.</summary>
/// <param name="InstanceId">The orchestration instance.</param>
/// <param name="ExecutionId">Its execution.</param>
/// <param name="TaskId">The task id the result must carry.</param>
/// <param name="Name">The activity name.</param>
/// <param name="Input">The JSON input.</param>
internal sealed record WorkItemMessage(string InstanceId, string ExecutionId, int TaskId, string Name, string? Input)
{
    /// <summary>Gets the blob holding the whole message when it was too large for the queue.</summary>
    public string? PayloadBlob { get; init; }
}
