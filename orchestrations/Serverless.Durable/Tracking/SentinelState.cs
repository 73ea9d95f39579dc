using Azure;

namespace Serverless.Durable.Tracking;

/// <summary>
/// The sentinel row of an instance's history partition: which execution is current, how many episodes
/// it has committed, and whether the last episode's outbound messages are confirmed sent. Every
/// checkpoint replaces it with If-Match on <see cref="ETag"/>, which makes it the concurrency fence.
/// </summary>
internal sealed record SentinelState
{
    public required string ExecutionId { get; init; }

    public required string Name { get; init; }

    public required OrchestrationRuntimeStatus Status { get; init; }

    /// <summary>Gets the generation (incremented by ContinueAsNew and restarts); history row keys start with it.</summary>
    public int Generation { get; init; }

    /// <summary>Gets the number of episodes committed in the current generation.</summary>
    public int Episode { get; init; }

    /// <summary>Gets the episode whose outbound messages are not confirmed sent, or -1.</summary>
    public int OutboxEpisode { get; init; } = -1;

    public string? ParentInstanceId { get; init; }

    public string? ParentExecutionId { get; init; }

    public int ParentTaskId { get; init; } = -1;

    public DateTime CreatedAt { get; init; }

    public ETag ETag { get; init; }
}
