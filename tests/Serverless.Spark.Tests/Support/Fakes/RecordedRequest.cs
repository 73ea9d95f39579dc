using System.Text.Json.Nodes;

namespace Serverless.Spark.Tests.Support.Fakes;

/// <summary>A request the fake server received.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
{
    public JsonObject Json => (JsonObject)JsonNode.Parse(this.Body)!;

    public string PathAndQuery => this.Path + this.Query;

    /// <summary>Returns a query parameter, or null when it was not sent.</summary>
    public string? QueryValue(string name) =>
        this.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p[0] == name)
            .Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty))
            .FirstOrDefault();
}
