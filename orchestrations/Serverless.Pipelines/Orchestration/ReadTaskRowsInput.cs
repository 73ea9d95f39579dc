namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="ReadTaskRows"/>.</summary>
/// <param name="Location">The output folder or blob (<c>container/path</c>).</param>
/// <param name="Format">The format: <c>parquet</c>, <c>csv</c> or <c>json</c>.</param>
/// <param name="Limit">The most rows returned.</param>
public sealed record ReadTaskRowsInput(string Location, string Format, int Limit);
