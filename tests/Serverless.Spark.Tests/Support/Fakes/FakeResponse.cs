using System.Text.Json.Nodes;

namespace Serverless.Spark.Tests.Support.Fakes;

/// <summary>An answer of the fake server.</summary>
internal sealed record FakeResponse(int Status, JsonNode? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public TimeSpan Delay { get; init; }
}
