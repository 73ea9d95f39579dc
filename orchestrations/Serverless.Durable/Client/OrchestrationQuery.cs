namespace Serverless.Durable.Client;

/// <summary>A filter over instances; results come in pages with a continuation token.</summary>
public sealed record OrchestrationQuery
{
    /// <summary>Gets the statuses to include; all when null or empty.</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Gets the orchestrator name to match exactly.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the earliest creation time (inclusive).</summary>
    public DateTime? CreatedFrom { get; init; }

    /// <summary>Gets the latest creation time (exclusive).</summary>
    public DateTime? CreatedTo { get; init; }

    /// <summary>Gets a completion-time bound (exclusive), used by purges.</summary>
    public DateTime? CompletedBefore { get; init; }

    /// <summary>Gets the page size. The default is 100. The maximum is 1000.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Gets the token from the previous page, or null for the first page.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Gets a value indicating whether inputs and outputs are read (slower for large payloads).</summary>
    public bool FetchInputsAndOutputs { get; init; }
}
