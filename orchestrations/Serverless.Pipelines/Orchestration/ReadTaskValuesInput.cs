namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="ReadTaskValues"/>.</summary>
/// <param name="Location">The folder the values job wrote (<c>container/path/</c>, Parquet).</param>
/// <param name="Names">The value names, in the order the task declares them.</param>
public sealed record ReadTaskValuesInput(string Location, IReadOnlyList<string> Names);
