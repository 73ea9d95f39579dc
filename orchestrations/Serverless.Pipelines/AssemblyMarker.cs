namespace Serverless.Pipelines;

/// <summary>Placeholder until the layer lands.</summary>
internal static class AssemblyMarker
{
}
