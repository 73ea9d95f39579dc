namespace Serverless.Pipelines.Definitions;

/// <summary>
/// How a branch task picks the direct downstream tasks that run (the others are skipped): from a parameter's value,
/// or from the first column of a one-row SQL result. The value is looked up in <see cref="Cases"/>; without cases
/// the value itself is a comma-separated list of task ids.
/// </summary>
public sealed record BranchSettings
{
    /// <summary>Gets the parameter whose value decides, or <see langword="null"/>.</summary>
    public string? Param { get; init; }

    /// <summary>Gets the SQL (over the task's inputs) whose single row's first column decides, or <see langword="null"/>.</summary>
    public string? Sql { get; init; }

    /// <summary>Gets the task ids to follow per value.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Cases { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Gets the task ids to follow when no case matches (empty: follow none).</summary>
    public IReadOnlyList<string> Default { get; init; } = [];

    /// <summary>Gets the task ids to follow for a decided value.</summary>
    /// <param name="value">The parameter value or SQL result, as text (<see langword="null"/> for SQL NULL).</param>
    /// <returns>The task ids; the orchestrator skips the branch's other direct downstream tasks.</returns>
    public IReadOnlyList<string> Resolve(string? value)
    {
        if (Cases.Count == 0)
        {
            return value is null
                ? Default
                : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        return value is not null && Cases.TryGetValue(value, out var follow) ? follow : Default;
    }
}
