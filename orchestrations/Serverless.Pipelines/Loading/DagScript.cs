namespace Serverless.Pipelines.Loading;

/// <summary>A script a DAG file names relative to itself, to be uploaded content-addressed before its task runs.</summary>
/// <param name="BlobName">The blob name in the scripts container: <c>dag-files/{sha256}/{file name}</c>.</param>
/// <param name="Content">The script's bytes.</param>
public sealed record DagScript(string BlobName, ReadOnlyMemory<byte> Content);
