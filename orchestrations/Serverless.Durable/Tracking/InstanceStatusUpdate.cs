namespace Serverless.Durable.Tracking;

/// <summary>What a worker writes to the instances table after a checkpoint (merged into the row).</summary>
internal sealed record InstanceStatusUpdate
{
    public required string Name { get; init; }

    public required string ExecutionId { get; init; }

    public required OrchestrationRuntimeStatus Status { get; init; }

    public string? CustomStatus { get; init; }

    /// <summary>Gets a value indicating whether <see cref="CustomStatus"/> is written (false keeps the stored one).</summary>
    public bool WriteCustomStatus { get; init; } = true;

    /// <summary>Gets the input; written on the first episode of an execution only (the client wrote it before for top-level starts).</summary>
    public string? Input { get; init; }

    public bool WriteInput { get; init; }

    public string? Output { get; init; }

    public TaskFailureDetails? FailureDetails { get; init; }

    public DateTime? CreatedAt { get; init; }

    public DateTime LastUpdatedAt { get; init; }

    public DateTime? CompletedAt { get; init; }

    public string? ParentInstanceId { get; init; }
}
