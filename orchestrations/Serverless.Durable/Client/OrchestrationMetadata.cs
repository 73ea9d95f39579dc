namespace Serverless.Durable.Client;

/// <summary>The status of an orchestration instance, as in Microsoft.DurableTask.</summary>
/// <param name="Name">The orchestrator name.</param>
/// <param name="InstanceId">The instance id.</param>
public sealed record OrchestrationMetadata(string Name, string InstanceId)
{
    /// <summary>Gets the runtime status.</summary>
    public OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    /// <summary>Gets the current execution id.</summary>
    public string? ExecutionId { get; init; }

    /// <summary>Gets when the instance was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the status last changed.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>Gets when the instance finished, if it has.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets the requested start time of an instance scheduled for later.</summary>
    public DateTimeOffset? ScheduledStartTime { get; init; }

    /// <summary>Gets the parent instance of a sub-orchestration.</summary>
    public string? ParentInstanceId { get; init; }

    /// <summary>Gets the JSON input (only when inputs and outputs were asked for).</summary>
    public string? SerializedInput { get; init; }

    /// <summary>Gets the JSON output (only when inputs and outputs were asked for).</summary>
    public string? SerializedOutput { get; init; }

    /// <summary>Gets the JSON custom status.</summary>
    public string? SerializedCustomStatus { get; init; }

    /// <summary>Gets what went wrong, for a failed instance.</summary>
    public TaskFailureDetails? FailureDetails { get; init; }

    /// <summary>Gets a value indicating whether the instance is running, pending or suspended.</summary>
    public bool IsRunning => !this.RuntimeStatus.IsTerminal();

    /// <summary>Gets a value indicating whether the instance completed, failed or was terminated.</summary>
    public bool IsCompleted => this.RuntimeStatus.IsTerminal();

    /// <summary>Deserializes the input.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The input.</returns>
    public T? ReadInputAs<T>() => DataConverter.Default.Deserialize<T>(this.SerializedInput);

    /// <summary>Deserializes the output.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The output.</returns>
    public T? ReadOutputAs<T>() => DataConverter.Default.Deserialize<T>(this.SerializedOutput);

    /// <summary>Deserializes the custom status.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The custom status.</returns>
    public T? ReadCustomStatusAs<T>() => DataConverter.Default.Deserialize<T>(this.SerializedCustomStatus);
}
