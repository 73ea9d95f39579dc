namespace Serverless.Pipelines.Orchestration;

/// <summary>The size of the data at a location: the blobs under a folder, or one blob.</summary>
/// <param name="Bytes">The total bytes.</param>
/// <param name="Files">The number of blobs.</param>
public sealed record DataSize(long Bytes, int Files);
