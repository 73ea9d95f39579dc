namespace Serverless.Pipelines.Runs.Index;

/// <summary>One page of an index listing: full unless it is the last, then <see cref="Continuation"/> is null.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items, newest logical date first.</param>
/// <param name="Continuation">The token of the next page, or null on the last page.</param>
public sealed record RunIndexPage<T>(IReadOnlyList<T> Items, string? Continuation);
