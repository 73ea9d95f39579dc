using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="WriteRunManifest"/>.</summary>
/// <param name="Location">Where the manifest goes (<c>container/path</c>).</param>
/// <param name="Manifest">The manifest; input and output entries without <c>bytes</c> are measured by the activity.</param>
/// <param name="Index">The run as the runs index lists it, recorded with the manifest; null records nothing.</param>
public sealed record WriteRunManifestInput(string Location, JsonObject Manifest, Runs.Index.RunIndexEntry? Index = null);
